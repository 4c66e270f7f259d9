use crate::{
    browser,
    content::{self, Article, ARTICLES},
    pages::not_found::NotFound,
    paths,
    view::article_body::Blocks,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

/// The reader page for `/lire/<slug>/`.
#[component]
pub fn Reader() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    move || match content::find(&slug()) {
        Some((index, article)) => view! { <ArticlePage index article /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}

#[component]
fn ArticlePage(index: usize, article: &'static Article) -> impl IntoView {
    browser::set_title(article.title);
    let base = browser::base();
    let previous = index.checked_sub(1).and_then(|i| ARTICLES.get(i));
    let next = ARTICLES.get(index + 1);
    view! {
        <article class="reader" lang="fr" aria-labelledby="article-title">
            <header class="article-header">
                <h1 id="article-title">{article.title}</h1>
                <p class="article-meta">
                    {article.author.map(|a| view! { <span class="author">{a}</span> })}
                    {article.date.map(|d| view! { <span class="date">{d}</span> })}
                    <span>{content::reading_time_label(article.reading_minutes)}</span>
                </p>
            </header>
            <div class="article-body">
                <Blocks blocks=article.body />
            </div>
            {(!article.about.is_empty())
                .then(|| {
                    view! {
                        <aside class="about" aria-labelledby="about-title">
                            <h2 id="about-title">"À propos de l’auteur"</h2>
                            <Blocks blocks=article.about />
                        </aside>
                    }
                })}
        </article>
        {(!article.comments.is_empty())
            .then(|| {
                view! {
                    <section class="comments" aria-labelledby="comments-title">
                        <h2 id="comments-title">"Commentaires"</h2>
                        <ol class="comment-list">
                            {article
                                .comments
                                .iter()
                                .map(|c| {
                                    view! {
                                        <li class="comment">
                                            {(!c.byline.is_empty())
                                                .then(|| view! { <p class="byline">{c.byline}</p> })}
                                            <Blocks blocks=c.blocks />
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    </section>
                }
            })}
        <nav class="article-nav" aria-label="Articles voisins">
            {previous
                .map(|p| {
                    view! {
                        <A href=paths::article(base, p.slug) attr:class="prev" attr:rel="prev">
                            <span class="nav-label">"Article précédent"</span>
                            <span class="nav-title">{p.title}</span>
                        </A>
                    }
                })}
            <A href=paths::library(base) attr:class="back">
                "Retour à la bibliothèque"
            </A>
            {next
                .map(|n| {
                    view! {
                        <A href=paths::article(base, n.slug) attr:class="next" attr:rel="next">
                            <span class="nav-label">"Article suivant"</span>
                            <span class="nav-title">{n.title}</span>
                        </A>
                    }
                })}
        </nav>
    }
}

# Liseuse. On a fresh machine: `make serve` to run the app, `make test` to run every test.
SHELL := bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
PORT ?= 8080
# Build for a sub-path with e.g. `make build PUBLIC_URL=/liseuse/`.
PUBLIC_URL ?= /
# The site's address, for the link-preview tags of the articles' pages (og:url, og:image, which
# must be absolute): e.g. `make build PUBLIC_URL=/liseuse/ SITE_URL=https://example.org/liseuse/`.
# Without it the build leaves those tags out and says so (scripts/post-build.mjs).
SITE_URL ?=

.PHONY: setup serve build build-sub build-update test check unit e2e bench bench-floor bench-quick clean

# Release builds only: std rebuilt for size, panics abort at once without a message
# (`immediate-abort`), no file/line locations nor Debug formatting compiled in. Stable rustc
# with RUSTC_BOOTSTRAP (scripts/setup.sh adds rust-src). RUSTFLAGS replaces the rustflags of
# .cargo/config.toml, hence `--cfg erase_components` again. `cargo test`/clippy never see these;
# a trap in the release app shows « Une erreur est survenue — Recharger » (assets/boot.js).
# `liseuse_split` makes the pages a first visit does not need lazy (`leptos::lazy`); with the
# relocations the linker keeps, scripts/split/wasm-bindgen (first on PATH) cuts them into chunks.
RELEASE_STD := RUSTC_BOOTSTRAP=1 \
  CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
  CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
  CARGO_UNSTABLE_PANIC_IMMEDIATE_ABORT=true \
  CARGO_PROFILE_RELEASE_PANIC=immediate-abort
RELEASE_ENV := PATH="$(CURDIR)/scripts/split:$$PATH" $(RELEASE_STD) \
  RUSTFLAGS="--cfg erase_components --cfg liseuse_split -Clink-args=--emit-relocs -Zlocation-detail=none -Zfmt-debug=none"
# Issue 22's floor (bench/floor) is built alike, but in one piece: nothing in it to split.
FLOOR_ENV := $(RELEASE_STD) RUSTFLAGS="--cfg erase_components -Zlocation-detail=none -Zfmt-debug=none"

setup:
	scripts/setup.sh

## Install what is missing, build the release dist/ and serve it on http://127.0.0.1:$(PORT)/
serve: setup build
	node tests/e2e/server.mjs dist $(PUBLIC_URL) $(PORT)

build:
	$(RELEASE_ENV) SITE_URL="$(SITE_URL)" trunk build --release --public-url $(PUBLIC_URL)

# The same release build for a sub-path, which the browser tests serve under /liseuse/, with a
# site address (dist/ has none): the tests check the link-preview tags of both.
build-sub:
	$(RELEASE_ENV) SITE_URL=https://example.org/liseuse/ trunk build --release --public-url /liseuse/ --dist target/dist-sub

# A second build with one more paragraph: the browser tests deploy it over the first to check
# that the update is noticed, offered and applied.
build-update:
	rm -rf target/content-update && mkdir -p target && cp -r content target/content-update
	printf '\nMise à jour de test, ce paragraphe vient de la seconde version.\n' \
	  >> target/content-update/il-est-temps-de-nous-faire-confiance.md
	$(RELEASE_ENV) LISEUSE_CONTENT_DIR=$(CURDIR)/target/content-update trunk build --release --dist target/dist-update

## Install what is missing (Chromium included), then run every check and test.
test:
	scripts/setup.sh --with-browser
	$(MAKE) SITE_URL= check unit build-update build build-sub bench-quick e2e

check:
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --bins --target wasm32-unknown-unknown -- -D warnings
	RUSTFLAGS="--cfg erase_components --cfg liseuse_split" \
	  cargo clippy --lib --bins --target wasm32-unknown-unknown -- -D warnings

unit:
	cargo test

# A test that hangs (a browser call that never answers) fails after 10 minutes instead of
# holding the run: node:test waits forever by default. The longest suite takes about 2 minutes.
e2e:
	node --test --test-concurrency=1 --test-timeout=600000 tests/e2e/*.test.mjs

## The benchmark (see bench/bench.mjs): prints a table and a verdict per budget, writes
## bench/results/*.json, and fails when a budget is exceeded or a measure is broken.
# (The scale builds it makes are release builds too.)
bench: setup build
	$(RELEASE_ENV) node bench/bench.mjs

## Issue 22's floor: Leptos with the article parsed and drawn and nothing else, built in place of
## the app's wasm in a copy of dist/ and compared with the app (weight, painted time, app ready).
bench-floor: setup build
	$(FLOOR_ENV) node bench/floor/build.mjs
	node bench/paint-ab.mjs 9 dist target/dist-floor

# One run of each measure, without the scale builds, so the benchmark cannot rot unnoticed. Its
# numbers are noisy: a budget exceeded only prints a warning; a measure that fails to run or
# gives no number (NaN) fails the tests.
bench-quick:
	node bench/bench.mjs --quick

clean:
	rm -rf dist target node_modules

//! A simulated WebDAV server (ETags, `If-Match` / `If-None-Match: *`) and simulated devices, to
//! test the sync passes: request counts, and convergence without loss under any interleaving
//! of passes, edits and failed requests.

use super::{
    engine::{Condition, Doc, Pass, Reply, Request, SyncState, CLOCK_BODY, CLOCK_FILE},
    positions::{Entry, Positions},
    propfind::Listed,
};
use std::{collections::BTreeMap, fmt};

pub struct Server {
    pub folder: bool,
    /// name → (ETag, body).
    pub files: BTreeMap<String, (String, String)>,
    /// Whether the `ETag` header reaches the page (CORS `Access-Control-Expose-Headers`).
    pub expose_etag: bool,
    /// Whether PROPFIND gives `getetag` (some servers do not).
    pub list_etags: bool,
    /// The server's clock (ms), for `getlastmodified`.
    pub clock: i64,
    /// name → the server's time of its last write.
    pub modified: BTreeMap<String, i64>,
    pub counter: u64,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            folder: true,
            files: BTreeMap::new(),
            expose_etag: true,
            list_etags: true,
            clock: 0,
            modified: BTreeMap::new(),
            counter: 0,
        }
    }
}

impl Server {
    pub fn without_folder() -> Self {
        Server {
            folder: false,
            ..Default::default()
        }
    }

    /// A write from outside the app (another client, a reader's text editor).
    pub fn put_raw(&mut self, name: &str, body: &str) {
        self.counter += 1;
        self.files
            .insert(name.into(), (self.counter.to_string(), body.into()));
        self.modified.insert(name.into(), self.clock);
    }

    pub fn handle(&mut self, request: &Request) -> Reply {
        let etag = |e: &String, expose: bool| expose.then(|| e.clone());
        match request {
            Request::List if !self.folder => Reply::Missing,
            Request::List => Reply::Listing(
                self.files
                    .iter()
                    .map(|(name, (etag, _))| Listed {
                        name: name.clone(),
                        etag: self.list_etags.then(|| etag.clone()),
                        modified: self.modified.get(name).copied(),
                    })
                    .collect(),
            ),
            Request::MakeFolder => {
                self.folder = true;
                Reply::Done { etag: None }
            }
            Request::Get { name } => match self.files.get(name) {
                Some((e, body)) => Reply::Body {
                    etag: etag(e, self.expose_etag),
                    text: body.clone(),
                },
                None => Reply::Missing,
            },
            Request::Put {
                name,
                body,
                condition,
            } => {
                let current = self.files.get(name).map(|(e, _)| e);
                let allowed = match condition {
                    Condition::IfMatch(e) => current == Some(e),
                    Condition::IfNoneMatch => current.is_none(),
                };
                if !allowed {
                    return Reply::PreconditionFailed;
                }
                self.put_raw(name, body);
                let e = self.files[name].0.clone();
                Reply::Done {
                    etag: etag(&e, self.expose_etag),
                }
            }
            Request::ClockWrite => {
                self.put_raw(CLOCK_FILE, CLOCK_BODY);
                Reply::Done { etag: None }
            }
            Request::ClockRead => match self.files.get(CLOCK_FILE) {
                Some((e, _)) => Reply::Listing(vec![Listed {
                    name: CLOCK_FILE.into(),
                    etag: self.list_etags.then(|| e.clone()),
                    modified: self.modified.get(CLOCK_FILE).copied(),
                }]),
                None => Reply::Missing,
            },
        }
    }
}

/// The requests of a pass, in the words of HTTP.
#[derive(Default)]
pub struct Trace(Vec<String>);

impl Trace {
    pub fn push(&mut self, request: &Request) {
        self.0.push(match request {
            Request::List => "PROPFIND".into(),
            Request::MakeFolder => "MKCOL".into(),
            Request::Get { name } => format!("GET({name})"),
            Request::Put {
                name, condition, ..
            } => match condition {
                Condition::IfMatch(_) => format!("PUT({name}, if-match)"),
                Condition::IfNoneMatch => format!("PUT({name}, new)"),
            },
            Request::ClockWrite => "PUT(clock)".into(),
            Request::ClockRead => "PROPFIND(clock)".into(),
        });
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        notebook::{Edit, Notebook},
        notes::{
            clock,
            merge::merge,
            model::{new_highlight, ArticleRecord, Color},
        },
        sync::positions,
    };
    use proptest::prelude::*;

    const SLUGS: [&str; 3] = ["a", "b", "c"];
    const TEXT: &str = "Un texte assez long pour y surligner des passages variés.";

    #[derive(Debug, Clone)]
    enum Failure {
        /// The request never reaches the server.
        Before,
        /// The server does it, the answer is lost.
        After,
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add {
            device: usize,
            slug: usize,
        },
        Note {
            device: usize,
            slug: usize,
            pick: usize,
        },
        Delete {
            device: usize,
            slug: usize,
            pick: usize,
        },
        ArticleNote {
            device: usize,
            slug: usize,
        },
        Read {
            device: usize,
            slug: usize,
            block: usize,
        },
        Step {
            device: usize,
            failure: Option<Failure>,
        },
    }

    fn op(devices: usize) -> impl Strategy<Value = Op> {
        let d = 0..devices;
        let s = 0..SLUGS.len();
        let failure = prop_oneof![
            6 => Just(None),
            1 => Just(Some(Failure::Before)),
            1 => Just(Some(Failure::After)),
        ];
        prop_oneof![
            2 => (d.clone(), s.clone()).prop_map(|(device, slug)| Op::Add { device, slug }),
            1 => (d.clone(), s.clone(), 0..4usize)
                .prop_map(|(device, slug, pick)| Op::Note { device, slug, pick }),
            1 => (d.clone(), s.clone(), 0..4usize)
                .prop_map(|(device, slug, pick)| Op::Delete { device, slug, pick }),
            1 => (d.clone(), s.clone()).prop_map(|(device, slug)| Op::ArticleNote { device, slug }),
            1 => (d.clone(), s.clone(), 0..50usize)
                .prop_map(|(device, slug, block)| Op::Read { device, slug, block }),
            6 => (d, failure).prop_map(|(device, failure)| Op::Step { device, failure }),
        ]
    }

    #[derive(Default)]
    struct Device {
        notebook: Notebook,
        positions: Positions,
        state: SyncState,
        pass: Option<Pass>,
        /// Clock skew, ms.
        skew: i64,
        /// This device's clock now (the world's clock plus its skew).
        now: i64,
        /// The positions as the current pass began.
        started: BTreeMap<String, Entry>,
    }

    impl Device {
        fn docs(&self) -> BTreeMap<String, Doc> {
            let mut docs: BTreeMap<String, Doc> = self
                .notebook
                .records
                .iter()
                .map(|(slug, r)| (format!("{slug}.json"), Doc::Article(r.clone())))
                .collect();
            docs.insert(
                "positions.json".into(),
                Doc::Positions(self.positions.clone()),
            );
            docs
        }

        fn take_incoming(&mut self) {
            let Some(pass) = &mut self.pass else { return };
            let incoming: Vec<(String, Doc)> = pass.incoming.drain(..).collect();
            for (name, doc) in incoming {
                match doc {
                    Doc::Article(record) => {
                        let slug = name.trim_end_matches(".json").to_string();
                        let held = self.notebook.records.entry(slug).or_default();
                        *held = pass.combine(&name, held, &record).0;
                    }
                    Doc::Positions(p) => self.positions = positions::merge(&self.positions, &p),
                }
            }
        }

        /// One request of the current pass (a new pass when none is under way). Returns the
        /// number of requests the pass made if it ended.
        fn step(&mut self, server: &mut Server, failure: Option<Failure>) -> Option<u32> {
            if self.pass.is_none() {
                self.pass = Some(Pass::new(self.docs(), self.state.clone()).at(self.now));
                self.started = self.positions.positions.clone();
            }
            let pass = self.pass.as_mut().unwrap();
            let Some(request) = pass.next_request() else {
                let pass = self.pass.take().unwrap();
                self.state = pass.state;
                return Some(pass.counts.requests);
            };
            match failure {
                None => {
                    let reply = server.handle(&request);
                    pass.on_reply(reply).expect("replies fit their requests");
                    // As the browser layer does: the measure is used at once, and the stored
                    // positions the pass moved to the server's clock are moved alike.
                    self.state.clock_offset = pass.state.clock_offset;
                    if let Some(shift) = pass.restamped.take() {
                        for (slug, entry) in self.positions.positions.iter_mut() {
                            if self.started.get(slug) == Some(entry) {
                                *entry = entry.shifted(shift);
                            }
                        }
                    }
                    self.take_incoming();
                }
                Some(f) => {
                    if matches!(f, Failure::After) {
                        server.handle(&request);
                    }
                    // The pass stops; what it learnt so far is kept.
                    let pass = self.pass.take().unwrap();
                    self.state = pass.state;
                }
            }
            None
        }

        fn full_pass(&mut self, server: &mut Server) -> u32 {
            loop {
                if let Some(n) = self.step(server, None) {
                    return n;
                }
            }
        }
    }

    fn pick_live(record: Option<&ArticleRecord>, pick: usize) -> Option<String> {
        let live: Vec<&str> = record?.live().map(|h| h.id.as_str()).collect();
        (!live.is_empty()).then(|| live[pick % live.len()].to_string())
    }

    fn simulate(devices: usize, ops: Vec<Op>, expose_etag: bool, skews: Vec<i64>) {
        let mut server = Server {
            expose_etag,
            ..Default::default()
        };
        let mut device: Vec<Device> = (0..devices)
            .map(|i| Device {
                skew: skews[i],
                ..Default::default()
            })
            .collect();
        // Every version any device wrote, merged: what everyone must end with.
        let mut written: BTreeMap<String, ArticleRecord> = BTreeMap::new();
        let mut written_positions = Positions::default();
        let mut blocks_read: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut clock = 1_795_553_225_666i64;
        let mut next_id = 0;
        for op in ops {
            clock += 7;
            server.clock = clock;
            for dev in device.iter_mut() {
                dev.now = clock + dev.skew;
            }
            let (d, slug, edit) = match op {
                Op::Step { device: d, failure } => {
                    device[d].step(&mut server, failure);
                    continue;
                }
                Op::Read {
                    device: d,
                    slug,
                    block,
                } => {
                    let dev = &mut device[d];
                    let prev = dev.positions.positions.get(SLUGS[slug]).copied();
                    let entry = Entry {
                        block,
                        furthest: prev.map_or(block, |p| p.furthest.max(block)),
                        updated: clock::next_update(
                            prev.map_or(0, |p| p.updated),
                            clock::corrected(dev.now, dev.state.clock_offset),
                        ),
                    };
                    let mine = Positions {
                        positions: [(SLUGS[slug].to_string(), entry)].into(),
                        ..Default::default()
                    };
                    dev.positions = positions::merge(&dev.positions, &mine);
                    written_positions = positions::merge(&written_positions, &mine);
                    blocks_read.entry(SLUGS[slug]).or_default().push(block);
                    continue;
                }
                Op::Add { device: d, slug } => {
                    next_id += 1;
                    let start = (next_id * 3) % 40;
                    let h = new_highlight(
                        format!("h{next_id}"),
                        SLUGS[slug].into(),
                        Color::Vert,
                        TEXT,
                        start,
                        start + 5,
                        clock + device[d].skew,
                    );
                    (d, slug, Some(Edit::Add(h)))
                }
                Op::Note {
                    device: d,
                    slug,
                    pick,
                } => {
                    let id = pick_live(device[d].notebook.record(SLUGS[slug]), pick);
                    (
                        d,
                        slug,
                        id.map(|id| Edit::Note {
                            id,
                            text: format!("note {clock}"),
                        }),
                    )
                }
                Op::Delete {
                    device: d,
                    slug,
                    pick,
                } => {
                    let id = pick_live(device[d].notebook.record(SLUGS[slug]), pick);
                    (d, slug, id.map(|id| Edit::Delete { id }))
                }
                Op::ArticleNote { device: d, slug } => (
                    d,
                    slug,
                    Some(Edit::ArticleNote(format!("sur l’article {clock}"))),
                ),
            };
            let Some(edit) = edit else { continue };
            let dev = &mut device[d];
            dev.notebook.apply(SLUGS[slug], edit, clock + dev.skew);
            let record = dev.notebook.record(SLUGS[slug]).unwrap();
            let all = written.entry(SLUGS[slug].into()).or_default();
            *all = merge(all, record);
        }
        // Quiescence: passes one after another, without failures.
        for _ in 0..2 {
            for dev in device.iter_mut() {
                // Ends a pass left under way, then a whole one.
                dev.full_pass(&mut server);
                dev.full_pass(&mut server);
            }
        }
        for (i, dev) in device.iter_mut().enumerate() {
            let requests = dev.full_pass(&mut server);
            assert_eq!(requests, 1, "device {i}: a quiet pass is one request");
        }
        let empty = ArticleRecord::default();
        // Clocks within the measure's error: exactly what was written. Clocks off: a device new
        // to the folder moved its positions' times to the server's clock, so the place kept is
        // one of those written, the furthest point the furthest written, the same everywhere.
        let on_time = device
            .iter()
            .all(|d| d.skew.saturating_abs() <= super::super::engine::CLOCK_NOISE);
        for (i, dev) in device.iter().enumerate() {
            if on_time {
                assert_eq!(dev.positions, written_positions, "device {i}, positions");
                continue;
            }
            assert_eq!(dev.positions, device[0].positions, "device {i}, positions");
            for (slug, all) in &written_positions.positions {
                let held = dev.positions.positions[slug];
                assert_eq!(held.furthest, all.furthest, "device {i}, {slug}");
                assert!(
                    blocks_read[slug.as_str()].contains(&held.block),
                    "device {i}, {slug}"
                );
            }
        }
        for slug in SLUGS {
            // Every device and the server hold the same, and it keeps everything written: the
            // last edit of each note, with, where two were written apart, the other's text
            // (`super::concurrent`).
            let agreed = merge(device[0].notebook.record(slug).unwrap_or(&empty), &empty);
            for (i, dev) in device.iter().enumerate() {
                let held = merge(dev.notebook.record(slug).unwrap_or(&empty), &empty);
                assert_eq!(held, agreed, "device {i}, article {slug}");
            }
            let on_server = server.files.get(&format!("{slug}.json")).map(|(_, body)| {
                match Doc::decode(&format!("{slug}.json"), body) {
                    // Compared as records: the order of highlights in a file means nothing.
                    Ok(Doc::Article(r)) => merge(&r, &empty),
                    other => panic!("server file for {slug}: {other:?}"),
                }
            });
            assert_eq!(
                on_server,
                Some(agreed.clone()).filter(|r| *r != empty),
                "server, article {slug}"
            );
            keeps(
                &agreed,
                &merge(written.get(slug).unwrap_or(&empty), &empty),
                slug,
            );
        }
    }

    /// `held` holds what `last` (the last edit of everything written) holds: the same
    /// highlights, each note's last text (deleted only when no note written apart kept it).
    fn keeps(held: &ArticleRecord, last: &ArticleRecord, slug: &str) {
        let ids = |r: &ArticleRecord| {
            r.highlights
                .iter()
                .map(|h| h.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(held), ids(last), "article {slug}: highlights");
        for (h, l) in held.highlights.iter().zip(&last.highlights) {
            assert!(
                h.note.contains(l.note.as_str()),
                "article {slug}: {h:?} lost {l:?}"
            );
            assert!(
                h.updated >= l.updated,
                "article {slug}: {h:?} older than {l:?}"
            );
            if l.deleted {
                assert!(
                    h.deleted || !h.note.is_empty(),
                    "article {slug}: {h:?} after {l:?}"
                );
            } else {
                assert!(!h.deleted, "article {slug}: {h:?} deleted, not {l:?}");
            }
        }
        match (&held.note, &last.note) {
            (Some(h), Some(l)) => assert!(
                h.text.contains(l.text.as_str()),
                "article {slug}: note {h:?} lost {l:?}"
            ),
            (h, l) => assert_eq!(h, l, "article {slug}: note"),
        }
    }

    /// Counts the PUTs a full pass makes.
    fn puts(dev: &mut Device, server: &mut Server) -> usize {
        let before = server.counter;
        dev.full_pass(server);
        (server.counter - before) as usize
    }

    fn note_of(dev: &Device) -> String {
        dev.notebook.record("a").unwrap().highlights[0].note.clone()
    }

    /// The case: B's clock is ahead (or behind). B highlights with a note « B » and
    /// syncs; A syncs, changes the note to « A », syncs. Every device must end with « A », and
    /// passes with no edit must write nothing, now and a day later.
    fn edit_after_receiving(skew_b: i64) {
        let now = 1_795_553_225_666i64;
        let mut server = Server {
            clock: now,
            ..Default::default()
        };
        let mut a = Device {
            now,
            ..Default::default()
        };
        let mut b = Device {
            now: now + skew_b,
            skew: skew_b,
            ..Default::default()
        };
        let h = new_highlight("h".into(), "a".into(), Color::Vert, TEXT, 0, 5, b.now);
        b.notebook.apply("a", Edit::Add(h), b.now);
        let note = |text: &str| Edit::Note {
            id: "h".into(),
            text: text.into(),
        };
        b.notebook.apply("a", note("B"), b.now);
        b.full_pass(&mut server);
        a.full_pass(&mut server);
        assert_eq!(note_of(&a), "B");
        a.now += 60_000;
        a.notebook.apply("a", note("A"), a.now);
        a.full_pass(&mut server);
        for later in [60_000, DAY] {
            a.now += later;
            b.now += later;
            server.clock += later;
            b.full_pass(&mut server);
            a.full_pass(&mut server);
            assert_eq!(note_of(&a), "A", "skew {skew_b}: A keeps its later edit");
            assert_eq!(note_of(&b), "A", "skew {skew_b}: B gets A's later edit");
            let idle: usize = (0..3)
                .map(|_| puts(&mut a, &mut server) + puts(&mut b, &mut server))
                .sum();
            assert_eq!(idle, 0, "skew {skew_b}: idle passes write nothing");
        }
    }

    #[test]
    fn an_edit_after_receiving_a_version_from_a_skewed_clock_wins_everywhere() {
        for skew in [2 * DAY, -2 * DAY, 3 * YEAR, -3 * YEAR] {
            edit_after_receiving(skew);
        }
    }

    #[test]
    fn a_device_whose_clock_is_off_is_told_and_the_others_are_not() {
        for (skew, off) in [
            (0, false),
            (2 * DAY, true),
            (-2 * DAY, true),
            (3 * YEAR, true),
        ] {
            let now = 1_795_553_225_666i64;
            let mut server = Server {
                clock: now,
                ..Default::default()
            };
            let mut on_time = Device {
                now,
                ..Default::default()
            };
            let mut skewed = Device {
                now: now + skew,
                skew,
                ..Default::default()
            };
            let h = new_highlight("h".into(), "a".into(), Color::Vert, TEXT, 0, 5, now);
            on_time.notebook.apply("a", Edit::Add(h), now);
            on_time.full_pass(&mut server);
            // The skewed device writes too, then lists again: both ways of telling are met.
            let h = new_highlight("k".into(), "b".into(), Color::Vert, TEXT, 0, 5, now + skew);
            skewed.notebook.apply("b", Edit::Add(h), now + skew);
            skewed.full_pass(&mut server);
            skewed.full_pass(&mut server);
            on_time.full_pass(&mut server);
            assert_eq!(skewed.state.clock_off, off, "skew {skew}");
            assert!(!on_time.state.clock_off, "skew {skew}: the device on time");
        }
    }

    /// Two devices move in one article between passes, neither seeing the other's move: the
    /// place read later (by the world's clock) is kept on both, once a pass has measured each
    /// device's clock against the server's, however far off the other device's clock is. (By
    /// the devices' own clocks, a phone forty minutes ahead would pull the laptop back.)
    #[test]
    fn positions_moved_apart_keep_the_later_read_whatever_the_clocks() {
        const MINUTE: i64 = 60_000;
        let read = |dev: &mut Device, block: usize| {
            let stamp = clock::corrected(dev.now, dev.state.clock_offset);
            let place = dev
                .positions
                .positions
                .get("a")
                .copied()
                .unwrap_or_default();
            let moved = place.at(block, stamp).seen(block + 1);
            dev.positions.positions.insert("a".into(), moved);
        };
        for skew in [40 * MINUTE, -40 * MINUTE, 2 * DAY, -3 * YEAR] {
            for skewed_reads_last in [false, true] {
                let case = format!("skew {skew}, skewed device last: {skewed_reads_last}");
                let mut world = 1_795_553_225_666i64;
                let mut server = Server {
                    clock: world,
                    ..Default::default()
                };
                let mut devices = [
                    Device {
                        now: world,
                        ..Default::default()
                    },
                    Device {
                        now: world + skew,
                        skew,
                        ..Default::default()
                    },
                ];
                let mut tick = |devices: &mut [Device; 2], server: &mut Server, ms: i64| {
                    world += ms;
                    server.clock = world;
                    for d in devices.iter_mut() {
                        d.now = world + d.skew;
                    }
                };
                // Both read, then connect: a first pass measures the clocks, and moves the times
                // of the places read before (by the device's own clock) to the server's.
                for d in 0..2 {
                    read(&mut devices[d], 1 + d);
                    tick(&mut devices, &mut server, 1000);
                    devices[d].full_pass(&mut server);
                    assert_eq!(devices[d].state.clock_offset, -devices[d].skew, "{case}");
                }
                // A minute later, one moves; five seconds later, the other, not synced since.
                let (first, last) = if skewed_reads_last { (0, 1) } else { (1, 0) };
                tick(&mut devices, &mut server, MINUTE);
                read(&mut devices[first], 20);
                devices[first].full_pass(&mut server);
                tick(&mut devices, &mut server, 5000);
                read(&mut devices[last], 30);
                for d in [last, first, last] {
                    devices[d].full_pass(&mut server);
                }
                for d in &devices {
                    assert_eq!(d.positions.positions["a"].block, 30, "{case}");
                    assert_eq!(d.positions.positions["a"].furthest, 31, "{case}");
                }
            }
        }
    }

    const DAY: i64 = 24 * 60 * 60 * 1000;
    const YEAR: i64 = 365 * DAY;

    /// A device's clock: about right, two days off, years off, or past the valid range.
    fn skew() -> impl Strategy<Value = i64> {
        prop_oneof![
            3 => -20i64..20,
            2 => prop::sample::select(vec![-2 * DAY, 2 * DAY]),
            1 => prop::sample::select(vec![-3 * YEAR, 3 * YEAR, 300 * YEAR]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn two_devices_converge_without_loss(
            ops in prop::collection::vec(op(2), 0..80),
            expose_etag in any::<bool>(),
            skews in prop::collection::vec(skew(), 2),
        ) {
            simulate(2, ops, expose_etag, skews);
        }

        #[test]
        fn three_devices_converge_without_loss(
            ops in prop::collection::vec(op(3), 0..120),
            expose_etag in any::<bool>(),
            skews in prop::collection::vec(skew(), 3),
        ) {
            simulate(3, ops, expose_etag, skews);
        }
    }
}

//! PURE. The ranking of full queries: a field-weighted BM25 (BM25F) over the vocabulary's
//! postings. Each query term is a set of indexed words with a match quality (the word itself 1,
//! the same stem, a symbol variant, and only when the word is rare or absent a prefix or a
//! typo); a doc's term frequency is the quality-weighted sum over its fields, each normalised
//! by the field's length, and saturates as in BM25. Scores are divided by the best a doc could
//! get for the query, so the scores of different readings of one query (aliases, compounds)
//! compare.

use super::score::KindMask;
use super::vocab::{Field, Vocab, FIELDS};
use super::Kind;

/// Field weights: the title first, other titles almost as much, the topic heading above the
/// description, the place (section, page, module, track) least.
const WEIGHT: [f32; FIELDS] = [3.0, 2.5, 1.0, 1.2, 0.25];
/// Length normalisation per field (0 = none).
const B: [f32; FIELDS] = [0.5, 0.5, 0.75, 0.5, 0.3];
const K1: f32 = 1.2;

/// One query term: the indexed words it matches, each with a quality in (0, 1].
#[derive(Debug, Clone, Default)]
pub struct Term {
    pub alts: Vec<(u32, f32)>,
}

/// Per-doc facts: the number of words of each field, and the kinds.
pub struct Facts<'a> {
    /// Fields read (all but the title and body can be switched off to measure them).
    pub fields: [bool; FIELDS],
    pub len: &'a [[u16; FIELDS]],
    pub avg: [f32; FIELDS],
    pub kinds: &'a [Kind],
}

#[derive(Default)]
struct Scratch {
    fq: Vec<[f32; FIELDS]>,
    acc: Vec<f32>,
    matched: Vec<u8>,
    seen: Vec<bool>,
    touched: Vec<u32>,
    cur: Vec<u32>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// `(doc, score in 0..=1, terms matched)` for every allowed doc matching a term.
pub fn score(
    vocab: &Vocab,
    facts: &Facts<'_>,
    terms: &[Term],
    allowed: &KindMask,
) -> Vec<(u32, f32, u8)> {
    if terms.is_empty() || facts.kinds.is_empty() {
        return Vec::new();
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => run(&mut s, vocab, facts, terms, allowed),
        Err(_) => run(&mut Scratch::default(), vocab, facts, terms, allowed),
    })
}

fn run(
    s: &mut Scratch,
    vocab: &Vocab,
    facts: &Facts<'_>,
    terms: &[Term],
    allowed: &KindMask,
) -> Vec<(u32, f32, u8)> {
    let n = facts.kinds.len();
    if s.acc.len() != n {
        *s = Scratch {
            fq: vec![[0.0; FIELDS]; n],
            acc: vec![0.0; n],
            matched: vec![0; n],
            seen: vec![false; n],
            ..Scratch::default()
        };
    }
    let nf = n as f32;
    let mut total = 0.0f32;
    for t in terms {
        let strong = t
            .alts
            .iter()
            .filter(|a| a.1 >= 0.9)
            .map(|a| vocab.df(a.0))
            .max();
        let df = strong
            .or_else(|| t.alts.iter().map(|a| vocab.df(a.0)).max())
            .unwrap_or(0) as f32;
        let idf = (1.0 + (nf - df + 0.5) / (df + 0.5)).ln();
        total += idf;
        for &(id, q) in &t.alts {
            for p in vocab.postings(id) {
                let d = p.doc();
                if !allowed[facts.kinds[d] as usize] {
                    continue;
                }
                let f = p.field() as usize;
                if !facts.fields[f] {
                    continue;
                }
                let slot = &mut s.fq[d];
                if slot.iter().all(|&x| x == 0.0) {
                    s.cur.push(d as u32);
                }
                if q > slot[f] {
                    slot[f] = q;
                }
            }
        }
        for &d in &s.cur {
            let d = d as usize;
            let len = &facts.len[d];
            let mut tf = 0.0;
            for f in Field::ALL {
                let f = f as usize;
                let x = s.fq[d][f];
                if x > 0.0 {
                    let norm = 1.0 - B[f] + B[f] * f32::from(len[f]) / facts.avg[f].max(1.0);
                    tf += WEIGHT[f] * x / norm.max(0.1);
                }
            }
            s.fq[d] = [0.0; FIELDS];
            s.acc[d] += idf * tf * (K1 + 1.0) / (K1 + tf) / (K1 + 1.0);
            s.matched[d] += 1;
            if !s.seen[d] {
                s.seen[d] = true;
                s.touched.push(d as u32);
            }
        }
        s.cur.clear();
    }
    let total = total.max(f32::MIN_POSITIVE);
    let out = s
        .touched
        .iter()
        .map(|&d| {
            let i = d as usize;
            (d, s.acc[i] / total, s.matched[i])
        })
        .collect();
    for d in std::mem::take(&mut s.touched) {
        let d = d as usize;
        s.acc[d] = 0.0;
        s.matched[d] = 0;
        s.seen[d] = false;
    }
    out
}

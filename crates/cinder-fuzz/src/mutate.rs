//! Deterministic input mutation: a seeded generator and mutators that know the inputs' shapes
//! (JSON documents, NUL-separated command lines) as well as bytes.
//!
//! Random bytes almost never make valid JSON, so byte flips alone would test little beyond
//! the JSON parser. The JSON mutators change one node of a parsed document (a value of
//! another type, a boundary number, a long or control-laden string, a subtree from another
//! seed, a member dropped or renamed), which reaches the typed decoding of every field. The
//! same mutators serve the short runs in `cargo test` and, through `fuzz_mutator!`, libFuzzer.

use std::sync::OnceLock;

use serde_json::{Map, Value};

/// SplitMix64: tiny, fast, and the same sequence on every machine for the same seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose sequence depends only on `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True `numerator` times in `denominator`.
    pub fn chance(&mut self, numerator: usize, denominator: usize) -> bool {
        self.below(denominator) < numerator
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What the inputs of a target are, which decides the mutators used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// JSON documents (response bodies): mostly structural mutations.
    Json,
    /// Anything a server may send on an error (JSON faults, HTML, text): structural mutations
    /// when the input is JSON, byte mutations always.
    Body,
    /// Command-line arguments separated by NUL bytes: whole-argument mutations mostly.
    Argv,
}

/// The most bytes a mutation produces; the targets' cost grows with input size.
pub const MAX_LEN: usize = 64 * 1024;

/// Tokens worth inserting into any input: JSON syntax, boundary numbers, markup, control
/// characters, multi-byte and invalid UTF-8.
pub const COMMON_TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"\\",
    b"\\u0000",
    b"\\u001b",
    b"\\ud800",
    b"\\udfff\\ud800",
    b"null",
    b"true",
    b"false",
    b"0",
    b"-0",
    b"-1",
    b"1.5",
    b"1e308",
    b"1e999",
    b"-9223372036854775809",
    b"9223372036854775807",
    b"18446744073709551616",
    b"<",
    b">",
    b"<html>",
    b"</",
    b"&amp;",
    b"\x00",
    b"\x1b[31m",
    b"\x07",
    b"\r\n",
    b"\t",
    b"\x7f",
    b"\xc2\x9b",
    b"\xe2\x80\xa8",
    b"\xe2\x80\xae",
    b"\xf0\x9f\x92\xbe",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"=",
    b"-",
    b"--",
];

/// Seeds, names and tokens the mutators draw from.
#[derive(Clone, Debug, Default)]
pub struct Material {
    /// Other inputs, for splicing and for subtrees.
    pub seeds: Vec<Vec<u8>>,
    /// Tokens to insert (beside [`COMMON_TOKENS`]): object keys and values seen in the seeds,
    /// option and subcommand names.
    pub tokens: Vec<Vec<u8>>,
}

impl Material {
    /// `seeds`, with every object key and short string of the JSON ones as tokens.
    pub fn new(seeds: Vec<Vec<u8>>, extra_tokens: Vec<Vec<u8>>) -> Self {
        let mut tokens = extra_tokens;
        for seed in &seeds {
            if let Ok(value) = serde_json::from_slice::<Value>(seed) {
                collect_words(&value, &mut tokens);
            }
        }
        tokens.sort();
        tokens.dedup();
        Material { seeds, tokens }
    }

    fn token(&self, rng: &mut Rng) -> Vec<u8> {
        if self.tokens.is_empty() || rng.chance(1, 2) {
            rng.pick(COMMON_TOKENS).to_vec()
        } else {
            rng.pick(&self.tokens).clone()
        }
    }

    fn seed(&self, rng: &mut Rng) -> &[u8] {
        if self.seeds.is_empty() {
            b""
        } else {
            rng.pick(&self.seeds).as_slice()
        }
    }
}

fn collect_words(value: &Value, words: &mut Vec<Vec<u8>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                words.push(key.as_bytes().to_vec());
                collect_words(child, words);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_words(item, words)),
        Value::String(text) if text.len() <= 40 => words.push(text.as_bytes().to_vec()),
        _ => {}
    }
}

/// `input` changed by one to four mutations suited to `shape`, at most [`MAX_LEN`] bytes.
pub fn mutate(rng: &mut Rng, input: &[u8], shape: Shape, material: &Material) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        data = match shape {
            Shape::Json if rng.chance(4, 5) => json(rng, &data, material),
            Shape::Body if rng.chance(1, 2) => json(rng, &data, material),
            Shape::Argv if rng.chance(3, 4) => argv(rng, &data, material),
            _ => bytes(rng, &data, material),
        };
        data.truncate(MAX_LEN);
    }
    data
}

/// libFuzzer's custom mutator for `target` (`fuzz_mutator!` in `fuzz/fuzz_targets/`): half of
/// the time `None`, for libFuzzer's own mutation; otherwise [`mutate`] with the target's seeds
/// and tokens, written into `data`, and the new size.
pub fn libfuzzer_mutate(
    target: &str,
    data: &mut [u8],
    size: usize,
    max_size: usize,
    seed: u32,
) -> Option<usize> {
    static MATERIAL: OnceLock<(String, Material)> = OnceLock::new();
    let mut rng = Rng::new(u64::from(seed));
    if rng.chance(1, 2) {
        return None;
    }
    let (name, material) = MATERIAL.get_or_init(|| (target.to_string(), crate::material(target)));
    assert_eq!(name, target, "one fuzz target per process");
    let out = mutate(&mut rng, &data[..size], crate::shape(target), material);
    let len = out.len().min(max_size).min(data.len());
    data[..len].copy_from_slice(&out[..len]);
    Some(len)
}

/// One byte-level mutation.
pub fn bytes(rng: &mut Rng, input: &[u8], material: &Material) -> Vec<u8> {
    let mut data = input.to_vec();
    let len = data.len();
    match rng.below(9) {
        0 if len > 0 => {
            let at = rng.below(len);
            data[at] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let at = rng.below(len);
            data[at] = *rng.pick(&[0, b'"', b'\\', b'{', b'<', b'\n', 0x1b, 0x7f, 0x80, 0xff]);
        }
        2 => {
            let at = rng.below(len + 1);
            let token = material.token(rng);
            data.splice(at..at, token);
        }
        3 if len > 0 => {
            let start = rng.below(len);
            let end = start + 1 + rng.below((len - start).min(32));
            data.drain(start..end);
        }
        4 if len > 0 => {
            let start = rng.below(len);
            let end = start + 1 + rng.below((len - start).min(64));
            let piece = data[start..end].to_vec();
            let at = rng.below(len + 1);
            data.splice(at..at, piece);
        }
        5 => {
            let other = material.seed(rng);
            let cut = rng.below(len + 1);
            let from = rng.below(other.len() + 1);
            data.truncate(cut);
            data.extend_from_slice(&other[from..]);
        }
        6 if len > 0 => data.truncate(rng.below(len)),
        7 => {
            let at = rng.below(len + 1);
            let random: Vec<u8> = (0..1 + rng.below(8))
                .map(|_| rng.next_u64() as u8)
                .collect();
            data.splice(at..at, random);
        }
        _ if len > 0 => {
            let start = rng.below(len);
            let end = start + 1 + rng.below((len - start).min(16));
            let token = material.token(rng);
            data.splice(start..end, token);
        }
        _ => data = material.token(rng),
    }
    data
}

/// One structural mutation of a JSON document; a byte mutation when `input` is not JSON.
pub fn json(rng: &mut Rng, input: &[u8], material: &Material) -> Vec<u8> {
    let Ok(mut document) = serde_json::from_slice::<Value>(input) else {
        return bytes(rng, input, material);
    };
    let count = count_nodes(&document);
    let target = rng.below(count);
    let mut seen = 0;
    if let Some(node) = nth_node(&mut document, target, &mut seen) {
        mutate_node(rng, node, material);
    }
    // Pretty or compact, as servers differ; both are valid JSON.
    let text = if rng.chance(1, 4) {
        serde_json::to_vec_pretty(&document)
    } else {
        serde_json::to_vec(&document)
    };
    text.unwrap_or_default()
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count_nodes).sum(),
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The `target`-th node in pre-order.
fn nth_node<'a>(value: &'a mut Value, target: usize, seen: &mut usize) -> Option<&'a mut Value> {
    if *seen == target {
        return Some(value);
    }
    *seen += 1;
    match value {
        Value::Object(map) => map
            .values_mut()
            .find_map(|child| nth_node(child, target, seen)),
        Value::Array(items) => items
            .iter_mut()
            .find_map(|child| nth_node(child, target, seen)),
        _ => None,
    }
}

fn mutate_node(rng: &mut Rng, node: &mut Value, material: &Material) {
    match rng.below(8) {
        0 | 1 => *node = interesting_value(rng, material),
        2 => {
            // Another seed's subtree: a volume where a snapshot was, a list in a scalar's place.
            if let Ok(other) = serde_json::from_slice::<Value>(material.seed(rng)) {
                let count = count_nodes(&other);
                let mut other = other;
                let mut seen = 0;
                if let Some(sub) = nth_node(&mut other, rng.below(count), &mut seen) {
                    *node = sub.take();
                }
            }
        }
        3 => match node {
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(rng.below(map.len())).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                items.remove(rng.below(items.len()));
            }
            _ => *node = Value::Null,
        },
        4 => match node {
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(rng.below(map.len())).cloned();
                if let Some(key) = key {
                    let value = map.remove(&key).unwrap_or(Value::Null);
                    let new_key = String::from_utf8_lossy(&material.token(rng)).into_owned();
                    map.insert(new_key, value);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                let item = items[rng.below(items.len())].clone();
                for _ in 0..1 + rng.below(3) {
                    items.push(item.clone());
                }
            }
            _ => *node = Value::Array(vec![node.take()]),
        },
        5 => {
            // The same value in another type: "404" for 404, 1 for "1", [x] or {"k": x} for x.
            *node = match node.take() {
                Value::Number(n) => Value::String(n.to_string()),
                Value::String(s) => match s.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => Value::Array(vec![Value::String(s)]),
                },
                Value::Bool(b) => Value::String(if b { "True" } else { "False" }.into()),
                Value::Null => Value::String(String::new()),
                other => {
                    let mut map = Map::new();
                    map.insert(
                        String::from_utf8_lossy(&material.token(rng)).into_owned(),
                        other,
                    );
                    Value::Object(map)
                }
            };
        }
        6 => {
            // Deep nesting, up to past serde_json's recursion limit of 128.
            let depth = *rng.pick(&[2usize, 20, 130]);
            let mut value = node.take();
            for _ in 0..depth {
                value = if rng.chance(1, 2) {
                    Value::Array(vec![value])
                } else {
                    let mut map = Map::new();
                    map.insert("a".into(), value);
                    Value::Object(map)
                };
            }
            *node = value;
        }
        _ => {
            if let Value::Object(map) = node {
                let key = String::from_utf8_lossy(&material.token(rng)).into_owned();
                map.insert(key, interesting_value(rng, material));
            } else {
                *node = interesting_value(rng, material);
            }
        }
    }
}

fn interesting_value(rng: &mut Rng, material: &Material) -> Value {
    match rng.below(14) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(1, 2)),
        2 => Value::from(*rng.pick(&[0i64, -1, 1, i64::MIN, i64::MAX, 404, 65535, 65536])),
        3 => Value::from(*rng.pick(&[u64::MAX, 1 << 53, (1 << 53) + 1])),
        4 => Value::from(*rng.pick(&[0.5f64, -0.0, 1e308, -1e-308, 3.0])),
        5 => Value::String(String::new()),
        6 => Value::String(
            String::from_utf8_lossy(&material.token(rng))
                .chars()
                .cycle()
                .take(*rng.pick(&[1usize, 255, 256, 4096]))
                .collect(),
        ),
        7 => Value::String(
            rng.pick(&[
                "\u{1b}[2J\u{1b}[31mred",
                "line\nbreak\r\n",
                "nul\u{0}byte",
                "\u{202e}reversed",
                "\u{85}\u{2028}\u{2029}",
                "tab\there",
                "💾 émoji",
            ])
            .to_string(),
        ),
        8 => Value::String(String::from_utf8_lossy(&material.token(rng)).into_owned()),
        9 => Value::Array(Vec::new()),
        10 => Value::Object(Map::new()),
        11 => Value::Array(vec![interesting_value(rng, material)]),
        12 => Value::String(
            rng.pick(&[
                "2024-01-01T00:00:00.000000",
                "3.71",
                "3.0",
                "3.",
                "3.99999",
                "v3.0",
                "00000000-0000-0000-0000-000000000000",
                "True",
                "available",
            ])
            .to_string(),
        ),
        _ => {
            let mut map = Map::new();
            map.insert(
                String::from_utf8_lossy(&material.token(rng)).into_owned(),
                Value::String("x".into()),
            );
            Value::Object(map)
        }
    }
}

/// One whole-argument mutation of a NUL-separated command line.
pub fn argv(rng: &mut Rng, input: &[u8], material: &Material) -> Vec<u8> {
    let mut args: Vec<Vec<u8>> = if input.is_empty() {
        Vec::new()
    } else {
        input.split(|b| *b == 0).map(<[u8]>::to_vec).collect()
    };
    let len = args.len();
    match rng.below(8) {
        0 | 1 => {
            let at = rng.below(len + 1);
            args.insert(at, material.token(rng));
        }
        2 if len > 0 => {
            args.remove(rng.below(len));
        }
        3 if len > 0 => {
            let at = rng.below(len);
            args[at] = material.token(rng);
        }
        4 if len > 1 => {
            // `--name value` -> `--name=value`, or two words run together.
            let at = rng.below(len - 1);
            let next = args.remove(at + 1);
            if rng.chance(1, 2) {
                args[at].push(b'=');
            }
            args[at].extend(next);
        }
        5 if len > 0 => {
            let at = rng.below(len);
            args.insert(at, args[at].clone());
        }
        6 if len > 0 => {
            let at = rng.below(len);
            args[at] = bytes(rng, &args[at], material);
        }
        _ => {
            // Another seed's arguments after some of these.
            let other = material.seed(rng);
            let other: Vec<Vec<u8>> = other.split(|b| *b == 0).map(<[u8]>::to_vec).collect();
            args.truncate(rng.below(len + 1));
            let from = rng.below(other.len() + 1);
            args.extend(other.into_iter().skip(from));
        }
    }
    args.join(&0u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_inputs() {
        let material = Material::new(
            vec![br#"{"volume": {"id": "x", "size": 1}}"#.to_vec()],
            vec![],
        );
        let run = |seed| {
            let mut rng = Rng::new(seed);
            (0..200)
                .map(|_| mutate(&mut rng, &material.seeds[0], Shape::Json, &material))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn json_mutations_mostly_stay_json() {
        let material = Material::new(
            vec![br#"{"volumes": [{"id": "x", "size": 1, "metadata": {}}]}"#.to_vec()],
            vec![],
        );
        let mut rng = Rng::new(1);
        let valid = (0..500)
            .filter(|_| {
                let out = json(&mut rng, &material.seeds[0], &material);
                serde_json::from_slice::<Value>(&out).is_ok()
            })
            .count();
        // Only nesting past the recursion limit makes a document serde_json refuses.
        assert!(valid > 400, "{valid} of 500");
    }

    #[test]
    fn argv_mutations_keep_arguments_whole() {
        let material = Material::new(vec![b"list\0--all-tenants".to_vec()], vec![b"-f".to_vec()]);
        let mut rng = Rng::new(3);
        for _ in 0..100 {
            let out = argv(&mut rng, &material.seeds[0], &material);
            assert!(out.len() < 200);
        }
    }
}

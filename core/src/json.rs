//! Just enough JSON (RFC 8259) for the core: a strict reader that pulls out
//! the few fields hooksig needs and skips the rest without building anything,
//! a small tree for `diagnose`'s re-serialized bodies, and the writers those
//! need.
//!
//! It replaces `serde_json`, which was a quarter of the WebAssembly build, and
//! accepts and rejects what `serde_json` did for each use (the property tests
//! in `json/equivalence.rs` compare the two): skipped values are checked for syntax
//! only, with no depth limit (an explicit stack, so no input reaches the call
//! stack), while strings that are read must be UTF-8 with paired surrogates.
//! One difference is deliberate: `serde_json` also reads a struct written as
//! an array of its fields in order (`["invoice.paid"]` as a Stripe event) and
//! a unit enum variant as `{"hex": null}`; hooksig wants objects and strings.

use std::borrow::Cow;

/// A tree nests at most this many arrays and objects, as `serde_json` allows.
const MAX_DEPTH: usize = 127;

/// Why a document was refused; the text is the end of an error message.
pub(crate) type Refusal = String;

/// A cursor over one JSON document.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    fn refuse<T>(&self, expected: &str) -> Result<T, Refusal> {
        Err(if self.pos < self.bytes.len() {
            format!("invalid JSON at byte {}: expected {expected}", self.pos)
        } else {
            format!("invalid JSON: the input ends where {expected} should be")
        })
    }

    /// Only whitespace may follow the document.
    pub fn end(&mut self) -> Result<(), Refusal> {
        match self.peek() {
            None => Ok(()),
            Some(_) => self.refuse("the end of the document"),
        }
    }

    /// Steps over one value, checking its syntax only.
    pub fn skip(&mut self) -> Result<(), Refusal> {
        // The closing brackets of the open containers.
        let mut open: Vec<u8> = Vec::new();
        loop {
            match self.peek() {
                Some(b'[') => {
                    self.pos += 1;
                    if !self.eat(b']') {
                        open.push(b']');
                        continue;
                    }
                }
                Some(b'{') => {
                    self.pos += 1;
                    if !self.eat(b'}') {
                        open.push(b'}');
                        self.key()?;
                        continue;
                    }
                }
                _ => {
                    self.scalar()?;
                }
            }
            loop {
                let Some(&close) = open.last() else {
                    return Ok(());
                };
                if self.eat(b',') {
                    if close == b'}' {
                        self.key()?;
                    }
                    break;
                }
                if !self.eat(close) {
                    return self.refuse(if close == b'}' {
                        "',' or '}'"
                    } else {
                        "',' or ']'"
                    });
                }
                open.pop();
            }
        }
    }

    /// A member name and its colon, unread.
    fn key(&mut self) -> Result<(), Refusal> {
        if self.peek() != Some(b'"') {
            return self.refuse("a string key");
        }
        self.raw_string()?;
        if !self.eat(b':') {
            return self.refuse("':'");
        }
        Ok(())
    }

    /// A string, number, `true`, `false` or `null`, as its source text.
    fn scalar(&mut self) -> Result<&'a [u8], Refusal> {
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {
                self.raw_string()?;
            }
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b't') => self.literal(b"true")?,
            Some(b'f') => self.literal(b"false")?,
            Some(b'n') => self.literal(b"null")?,
            _ => return self.refuse("a value"),
        }
        Ok(self.bytes.get(start..self.pos).unwrap_or_default())
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Refusal> {
        if self
            .bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word))
        {
            self.pos += word.len();
            Ok(())
        } else {
            self.refuse("a value")
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<(), Refusal> {
        self.pos += usize::from(self.bytes.get(self.pos) == Some(&b'-'));
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.refuse("a digit"),
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return self.refuse("a digit");
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.refuse("a digit");
            }
        }
        Ok(())
    }

    /// A string's source text between its quotes, its escapes checked for
    /// syntax (the encoding is checked only when it is decoded).
    fn raw_string(&mut self) -> Result<&'a [u8], Refusal> {
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.bytes.get(self.pos) {
                None => return self.refuse("'\"'"),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(self.bytes.get(start..self.pos - 1).unwrap_or_default());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.bytes.get(self.pos) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1;
                        }
                        Some(b'u') if hex4(self.bytes, self.pos + 1).is_some() => self.pos += 5,
                        _ => return self.refuse("an escape sequence"),
                    }
                }
                Some(0..=0x1f) => return self.refuse("'\"' before a control character"),
                Some(_) => self.pos += 1,
            }
        }
    }

    /// A string value, decoded.
    pub fn string(&mut self) -> Result<Cow<'a, str>, Refusal> {
        if self.peek() != Some(b'"') {
            return self.refuse("a string");
        }
        let start = self.pos;
        let raw = self.raw_string()?;
        decode(raw).ok_or_else(|| {
            format!("invalid JSON at byte {start}: a string that is not UTF-8 or has an unpaired surrogate escape")
        })
    }

    /// `null` (then `None`) or a string.
    pub fn optional_string(&mut self) -> Result<Option<Cow<'a, str>>, Refusal> {
        if self.null() {
            Ok(None)
        } else {
            self.string().map(Some)
        }
    }

    /// Whether a string is next.
    pub fn at_string(&mut self) -> bool {
        self.peek() == Some(b'"')
    }

    /// Consumes a `null` if one is next.
    pub fn null(&mut self) -> bool {
        self.peek() == Some(b'n') && self.literal(b"null").is_ok()
    }

    /// A non-negative integer written without fraction or exponent.
    pub fn whole_number(&mut self) -> Option<usize> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return None;
        }
        let text = self.scalar().ok()?;
        std::str::from_utf8(text)
            .ok()
            .filter(|t| t.bytes().all(|b| b.is_ascii_digit()))?
            .parse()
            .ok()
    }

    /// Reads an array, calling `item` for each element.
    pub fn array(
        &mut self,
        item: &mut dyn FnMut(&mut Self) -> Result<(), Refusal>,
    ) -> Result<(), Refusal> {
        if !self.eat(b'[') {
            return self.refuse("an array");
        }
        if self.eat(b']') {
            return Ok(());
        }
        loop {
            item(self)?;
            if self.eat(b']') {
                return Ok(());
            }
            if !self.eat(b',') {
                return self.refuse("',' or ']'");
            }
        }
    }

    /// Reads an object whose members of interest are `fields`: `member` reads
    /// the value of `fields[i]`, each at most once; other members are skipped,
    /// or refused when `only_fields`. (`dyn`: one copy of this code serves
    /// every caller in the WebAssembly build.)
    pub fn fields(
        &mut self,
        fields: &[&str],
        only_fields: bool,
        member: &mut dyn FnMut(&mut Self, usize) -> Result<(), Refusal>,
    ) -> Result<(), Refusal> {
        if !self.eat(b'{') {
            return self.refuse("an object");
        }
        if self.eat(b'}') {
            return Ok(());
        }
        let mut seen = vec![false; fields.len()];
        loop {
            let key = self.string()?;
            if !self.eat(b':') {
                return self.refuse("':'");
            }
            match fields.iter().position(|f| *f == key) {
                Some(i) if seen[i] => return Err(["duplicate field \"", &key, "\""].concat()),
                Some(i) => {
                    seen[i] = true;
                    member(self, i)?;
                }
                None if only_fields => {
                    return Err([
                        "unknown field \"",
                        &crate::scheme::truncate(&key, 40),
                        "\", expected one of ",
                        &fields.join(", "),
                    ]
                    .concat());
                }
                None => self.skip()?,
            }
            if self.eat(b'}') {
                return Ok(());
            }
            if !self.eat(b',') {
                return self.refuse("',' or '}'");
            }
        }
    }

    /// A whole value as a tree, strings decoded.
    fn value(&mut self, depth: usize) -> Result<Value<'a>, Refusal> {
        let container = matches!(self.peek(), Some(b'[' | b'{'));
        if container && depth == MAX_DEPTH {
            return self.refuse("at most 127 nested arrays and objects");
        }
        Ok(match self.peek() {
            Some(b'[') => {
                let mut items = Vec::new();
                self.array(&mut |r| {
                    items.push(r.value(depth + 1)?);
                    Ok(())
                })?;
                Value::List(items)
            }
            Some(b'{') => {
                self.pos += 1;
                let mut members: Vec<(Cow<'a, str>, Value<'a>)> = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return self.refuse("':'");
                        }
                        let value = self.value(depth + 1)?;
                        members.push((key, value));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return self.refuse("',' or '}'");
                        }
                    }
                }
                Value::Map(without_repeated_names(members))
            }
            Some(b'"') => Value::Str(self.string()?),
            _ => Value::Atom(self.scalar()?),
        })
    }
}

fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    digits
        .iter()
        .try_fold(0, |n, &d| Some(n << 4 | char::from(d).to_digit(16)?))
}

/// Decodes a string's source text (escapes already checked for syntax);
/// `None` when it is not UTF-8 or has an unpaired surrogate.
fn decode(raw: &[u8]) -> Option<Cow<'_, str>> {
    if !raw.contains(&b'\\') {
        return std::str::from_utf8(raw).ok().map(Cow::Borrowed);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let escape = *raw.get(i)?;
        i += 1;
        let c = match escape {
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = hex4(raw, i)?;
                i += 4;
                let code = match unit {
                    0xD800..=0xDBFF => {
                        let low = raw
                            .get(i..i + 2)
                            .filter(|u| *u == b"\\u")
                            .and_then(|_| hex4(raw, i + 2))
                            .filter(|low| (0xDC00..=0xDFFF).contains(low))?;
                        i += 6;
                        0x10000 + ((unit - 0xD800) << 10 | (low - 0xDC00))
                    }
                    _ => unit,
                };
                char::from_u32(code)?
            }
            other => char::from(other),
        };
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

/// Whether `bytes` is one JSON document (strings checked for syntax only, as
/// `serde_json` skips them).
pub(crate) fn is_valid(bytes: &[u8]) -> bool {
    let mut reader = Reader::new(bytes);
    reader.skip().and_then(|()| reader.end()).is_ok()
}

/// Members with each repeated name merged into one that keeps the first
/// place and the last value, as JavaScript and Python objects do. Found
/// through one stable sort of the names, so an object of n members costs
/// O(n log n) comparisons (a search per member would be O(n²): 100 000 keys
/// in a 1 MiB body took 10 s).
fn without_repeated_names<'a>(
    members: Vec<(Cow<'a, str>, Value<'a>)>,
) -> Vec<(Cow<'a, str>, Value<'a>)> {
    if members.len() < 2 {
        return members;
    }
    let name = |i: usize| members.get(i).map(|m| &m.0);
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&a, &b| name(a).cmp(&name(b)));
    // Runs of equal names, in document order within a run (the sort is stable).
    let mut runs: Vec<&[usize]> = Vec::new();
    let mut start = 0;
    for end in 1..=order.len() {
        let same = |i: usize| order.get(i).map(|&i| name(i));
        if end == order.len() || same(end) != same(start) {
            if end - start > 1 {
                runs.extend(order.get(start..end));
            }
            start = end;
        }
    }
    if runs.is_empty() {
        return members;
    }
    let mut slots: Vec<Option<(Cow<'a, str>, Value<'a>)>> = members.into_iter().map(Some).collect();
    for run in runs {
        let (Some(&first), Some(&last)) = (run.first(), run.last()) else {
            continue;
        };
        let last_value = slots.get_mut(last).and_then(Option::take).map(|m| m.1);
        for &i in run.iter().skip(1) {
            if let Some(slot) = slots.get_mut(i) {
                *slot = None;
            }
        }
        if let (Some(Some(member)), Some(value)) = (slots.get_mut(first), last_value) {
            member.1 = value;
        }
    }
    slots.into_iter().flatten().collect()
}

/// A parsed document. Numbers and literals keep their source text.
#[derive(Debug, PartialEq)]
pub(crate) enum Value<'a> {
    Atom(&'a [u8]),
    Str(Cow<'a, str>),
    List(Vec<Value<'a>>),
    /// Members in document order, names unique.
    Map(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl<'a> Value<'a> {
    /// Parses a whole document; strings must be UTF-8 with paired surrogates.
    pub fn parse(bytes: &'a [u8]) -> Result<Value<'a>, Refusal> {
        let mut reader = Reader::new(bytes);
        let value = reader.value(0)?;
        reader.end()?;
        Ok(value)
    }

    /// Serializes the tree the way `style` does.
    pub fn write(&self, style: Style, out: &mut String) {
        let (comma, colon) = if style.python {
            (", ", ": ")
        } else {
            (",", ":")
        };
        match self {
            Value::Atom(text) => out.push_str(std::str::from_utf8(text).unwrap_or_default()),
            Value::Str(s) => write_string(s, style.python, out),
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(comma);
                    }
                    item.write(style, out);
                }
                out.push(']');
            }
            Value::Map(members) => {
                let order = match style.sort_keys {
                    true => {
                        let mut order: Vec<usize> = (0..members.len()).collect();
                        order.sort_by(|&a, &b| members.get(a).map(|m| &m.0).cmp(&members.get(b).map(|m| &m.0)));
                        order
                    }
                    false => (0..members.len()).collect(),
                };
                out.push('{');
                for (i, (key, value)) in order.iter().filter_map(|&i| members.get(i)).enumerate() {
                    if i > 0 {
                        out.push_str(comma);
                    }
                    write_string(key, style.python, out);
                    out.push_str(colon);
                    value.write(style, out);
                }
                out.push('}');
            }
        }
    }
}

/// How a re-serializing program writes JSON.
#[derive(Clone, Copy)]
pub(crate) struct Style {
    /// Members sorted by name (Python's `sort_keys=True`, `serde_json::Value`).
    pub sort_keys: bool,
    /// Python's `json.dumps` defaults: `", "` and `": "`, and every
    /// non-ASCII character escaped (`ensure_ascii=True`). Otherwise
    /// `JSON.stringify`'s: no spaces, only what must be escaped.
    pub python: bool,
}

/// Appends `s` as a JSON string. Escapes what JSON requires, the short forms
/// where they exist (as `JSON.stringify`, `serde_json` and Python do), and
/// with `ascii` every non-ASCII character too, as UTF-16 `\uXXXX` (Python).
pub(crate) fn write_string(s: &str, ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ if c >= '\u{7f}' && !ascii => out.push(c),
            _ => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        let digit = (*unit >> shift & 0xf) as u8;
                        out.push(char::from(if digit < 10 {
                            b'0' + digit
                        } else {
                            b'a' + digit - 10
                        }));
                    }
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod equivalence;

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(json: &str, sort_keys: bool, python: bool) -> String {
        let mut out = String::new();
        Value::parse(json.as_bytes())
            .unwrap()
            .write(Style { sort_keys, python }, &mut out);
        out
    }

    #[test]
    fn validity() {
        for good in [
            "0",
            "-0",
            "1.5e+3",
            "-12E-1",
            "\"\"",
            "\"\\u00e9\\ud83d\\ude00\"",
            " [ ] ",
            "{}",
            "[1,[2,{\"a\":null}],true,false]",
            "\"\\ud800\"",
            "\"\\/\\b\\f\\n\\r\\t\"",
        ] {
            assert!(is_valid(good.as_bytes()), "{good}");
        }
        for bad in [
            "",
            " ",
            "01",
            "1.",
            ".5",
            "+1",
            "-",
            "1e",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\"}",
            "{a:1}",
            "[1 2]",
            "\"\\x\"",
            "\"\\u12\"",
            "\"a\nb\"",
            "tru",
            "nul",
            "[",
            "{",
            "\"",
            "1 2",
            "{\"a\":1]",
            "[1}",
            "'a'",
            "NaN",
        ] {
            assert!(!is_valid(bad.as_bytes()), "{bad}");
        }
        assert!(
            is_valid(b"\"\xff\""),
            "skipped strings are checked for syntax only"
        );
        assert!(!is_valid(b"\xff"));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(is_valid(deep.as_bytes()));
    }

    #[test]
    fn strings_decode_strictly() {
        fn s(json: &[u8]) -> Result<Cow<'_, str>, Refusal> {
            Reader::new(json).string()
        }
        assert_eq!(s(br#""a\u00e9\n\/""#).unwrap(), "a\u{e9}\n/");
        assert_eq!(s(br#""\ud83d\ude00""#).unwrap(), "\u{1f600}");
        assert!(matches!(s(br#""plain""#).unwrap(), Cow::Borrowed("plain")));
        for bad in [
            &br#""\ud800""#[..],
            br#""\udc00""#,
            br#""\ud800\u0041""#,
            br#""\ud800\n""#,
            b"\"\xff\"",
            b"\"\xc3\\u00a9\"",
            b"5",
        ] {
            assert!(s(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn trees_nest_127_deep() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(Value::parse(nested(127).as_bytes()).is_ok());
        assert!(Value::parse(nested(128).as_bytes()).is_err());
    }

    #[test]
    fn writes_like_javascript_and_python() {
        // Expected outputs: node's JSON.stringify(JSON.parse(json)) and
        // Python's json.dumps(json.loads(json)), with sort_keys=True below.
        let json = r#"{ "b": [1, 2.50, "x\u002fy"], "a": {"é": "\u00e9\ud83d\ude00\u0001\u007f"}, "b": null }"#;
        assert_eq!(
            compact(json, false, false),
            "{\"b\":null,\"a\":{\"é\":\"é\u{1f600}\\u0001\u{7f}\"}}"
        );
        assert_eq!(
            compact(json, true, false),
            "{\"a\":{\"é\":\"é\u{1f600}\\u0001\u{7f}\"},\"b\":null}"
        );
        assert_eq!(
            compact(json, false, true),
            r#"{"b": null, "a": {"\u00e9": "\u00e9\ud83d\ude00\u0001\u007f"}}"#
        );
        assert_eq!(
            compact(json, true, true),
            r#"{"a": {"\u00e9": "\u00e9\ud83d\ude00\u0001\u007f"}, "b": null}"#
        );
        assert_eq!(
            compact(r#"[1.50,{"z":1,"y":[true,false]}]"#, true, true),
            r#"[1.50, {"y": [true, false], "z": 1}]"#
        );
    }

    #[test]
    fn fields_are_read_once_and_unknown_ones_refused_on_request() {
        let read = |json: &str, only: bool| {
            let mut r = Reader::new(json.as_bytes());
            let mut got = Vec::new();
            r.fields(&["a", "b"], only, &mut |r, i| {
                got.push((i, r.string()?.into_owned()));
                Ok(())
            })
            .map(|()| got)
        };
        assert_eq!(
            read(r#"{"b":"1","c":[{}],"a":"2"}"#, false).unwrap(),
            [(1, "1".to_owned()), (0, "2".to_owned())]
        );
        assert!(
            read(r#"{"a":"1","a":"2"}"#, false)
                .unwrap_err()
                .contains("duplicate")
        );
        assert!(
            read(r#"{"c":1}"#, true)
                .unwrap_err()
                .contains("unknown field \"c\"")
        );
        assert!(read(r#"{"a":1}"#, false).is_err());
    }
}

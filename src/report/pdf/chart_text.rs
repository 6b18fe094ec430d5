//! The text of a chart's SVG, read and drawn by us (usvg, used without fonts, leaves it out).

use super::*;

// ---------------------------------------------------------------------------------------------
// Charts: the SVG's size, and its text drawn by us

/// The size an SVG declares, and how its user units map onto it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct ChartGeometry {
    pub(super) width: f32,
    pub(super) height: f32,
    /// viewBox: min-x, min-y, width, height.
    pub(super) view: [f32; 4],
}

impl ChartGeometry {
    pub(super) fn of(svg: &str) -> Option<Self> {
        let (_, root) = tags(svg).find(|(name, _)| *name == "svg")?;
        let attrs = attributes(root);
        let get = |name: &str| attrs.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
        let view = get("viewBox").and_then(|v| {
            let n: Vec<f32> = numbers(v);
            (n.len() == 4 && n[2] > 0.0 && n[3] > 0.0).then(|| [n[0], n[1], n[2], n[3]])
        });
        let length = |name: &str| get(name).and_then(|v| length(v)).filter(|l| *l > 0.0);
        let (width, height) = match (length("width"), length("height"), view) {
            (Some(w), Some(h), _) => (w, h),
            (_, _, Some(v)) => (v[2], v[3]),
            _ => return None,
        };
        Some(Self {
            width,
            height,
            view: view.unwrap_or([0.0, 0.0, width, height]),
        })
    }
}

/// A 2-D affine transform `[a, b, c, d, e, f]` (SVG's matrix order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Affine(pub(super) [f32; 6]);

impl Affine {
    const IDENTITY: Affine = Affine([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self` then `other` applied in `other`'s coordinate system (`self × other`).
    pub(super) fn then(self, other: Affine) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Affine([
            a * a2 + c * b2,
            b * a2 + d * b2,
            a * c2 + c * d2,
            b * c2 + d * d2,
            a * e2 + c * f2 + e,
            b * e2 + d * f2 + f,
        ])
    }

    pub(super) fn translate(x: f32, y: f32) -> Affine {
        Affine([1.0, 0.0, 0.0, 1.0, x, y])
    }

    pub(super) fn scale(x: f32, y: f32) -> Affine {
        Affine([x, 0.0, 0.0, y, 0.0, 0.0])
    }

    pub(super) fn rotate(degrees: f32) -> Affine {
        let (s, c) = degrees.to_radians().sin_cos();
        Affine([c, s, -s, c, 0.0, 0.0])
    }

    /// An SVG `transform` attribute (`translate`, `scale`, `rotate`, `matrix`; others are
    /// ignored).
    pub(super) fn parse(value: &str) -> Affine {
        let mut result = Affine::IDENTITY;
        for part in value.split(')') {
            let Some((name, args)) = part.split_once('(') else {
                continue;
            };
            let n = numbers(args);
            let at = |i: usize, default: f32| n.get(i).copied().unwrap_or(default);
            let t = match name.trim().trim_start_matches(',').trim() {
                "translate" => Affine::translate(at(0, 0.0), at(1, 0.0)),
                "scale" => Affine::scale(at(0, 1.0), at(1, at(0, 1.0))),
                "rotate" => {
                    let (cx, cy) = (at(1, 0.0), at(2, 0.0));
                    Affine::translate(cx, cy)
                        .then(Affine::rotate(at(0, 0.0)))
                        .then(Affine::translate(-cx, -cy))
                }
                "matrix" if n.len() == 6 => Affine([n[0], n[1], n[2], n[3], n[4], n[5]]),
                _ => Affine::IDENTITY,
            };
            result = result.then(t);
        }
        result
    }

    pub(super) fn to_krilla(self) -> Transform {
        let [a, b, c, d, e, f] = self.0;
        Transform::from_row(a, b, c, d, e, f)
    }
}

/// One `<text>` element of a chart, in the chart's user units.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ChartText {
    pub(super) text: String,
    /// Where the baseline starts, after `text-anchor` and `dy`, in the element's coordinates.
    pub(super) x: f32,
    pub(super) y: f32,
    pub(super) size: f32,
    pub(super) bold: bool,
    pub(super) color: Rgb,
    pub(super) opacity: f32,
    pub(super) anchor: Anchor,
    /// The element's transform and its groups', from user units.
    pub(super) transform: Affine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
    Start,
    Middle,
    End,
}

/// Every `<text>` of an SVG, with what it needs to be drawn.
pub(super) fn chart_texts(svg: &str) -> Vec<ChartText> {
    let mut out = Vec::new();
    // The transforms of the open `<g>` elements.
    let mut groups: Vec<(Affine, Vec<(String, String)>)> = Vec::new();
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[1..close];
        let after = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if name.trim() == "g" {
                groups.pop();
            }
            rest = after;
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag.split_whitespace().next().unwrap_or("");
        match name {
            "g" if !self_closing => {
                let attrs: Vec<(String, String)> = attributes(tag)
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect();
                let t = attrs
                    .iter()
                    .find(|(k, _)| k == "transform")
                    .map_or(Affine::IDENTITY, |(_, v)| Affine::parse(v));
                let parent = groups.last().map_or(Affine::IDENTITY, |(t, _)| *t);
                groups.push((parent.then(t), attrs));
                rest = after;
            }
            "text" if !self_closing => {
                let end = after.find("</text>").unwrap_or(after.len());
                let content = decode(&strip_tags(&after[..end]));
                let mut attrs: Vec<(String, String)> = Vec::new();
                // Inherited presentation attributes first, the element's own last.
                for (_, inherited) in &groups {
                    attrs.extend(inherited.iter().filter(|(k, _)| k != "transform").cloned());
                }
                attrs.extend(attributes(tag).into_iter().map(|(k, v)| (k.to_owned(), v)));
                let parent = groups.last().map_or(Affine::IDENTITY, |(t, _)| *t);
                if let Some(t) = chart_text(content.trim(), &attrs, parent) {
                    out.push(t);
                }
                rest = &after[end..];
            }
            _ => rest = after,
        }
    }
    out
}

pub(super) fn chart_text(
    content: &str,
    attrs: &[(String, String)],
    parent: Affine,
) -> Option<ChartText> {
    if content.is_empty() {
        return None;
    }
    // The last value wins: the element's own after its groups', `style` after attributes.
    let mut props: HashMap<&str, String> = HashMap::new();
    for (k, v) in attrs {
        if k == "style" {
            for decl in v.split(';') {
                if let Some((pk, pv)) = decl.split_once(':') {
                    let key = match pk.trim() {
                        "font-size" => "font-size",
                        "font-weight" => "font-weight",
                        "fill" => "fill",
                        "opacity" => "opacity",
                        "fill-opacity" => "fill-opacity",
                        "text-anchor" => "text-anchor",
                        "dominant-baseline" => "dominant-baseline",
                        _ => continue,
                    };
                    props.insert(key, pv.trim().to_owned());
                }
            }
        } else if k != "transform" {
            props.insert(k.as_str(), v.clone());
        }
    }
    let own_transform = attrs
        .iter()
        .rev()
        .find(|(k, _)| k == "transform")
        .map_or(Affine::IDENTITY, |(_, v)| Affine::parse(v));
    let number = |key: &str| props.get(key).and_then(|v| length(v));
    let size = number("font-size").unwrap_or(12.0);
    let em = |v: &str| -> f32 {
        let v = v.trim();
        if let Some(n) = v.strip_suffix("em") {
            n.trim().parse::<f32>().unwrap_or(0.0) * size
        } else if let Some(n) = v.strip_suffix("ex") {
            n.trim().parse::<f32>().unwrap_or(0.0) * size * 0.5
        } else {
            length(v).unwrap_or(0.0)
        }
    };
    let x = props.get("x").map_or(0.0, |v| em(first_of_list(v)));
    let mut y = props.get("y").map_or(0.0, |v| em(first_of_list(v)));
    y += props.get("dy").map_or(0.0, |v| em(first_of_list(v)));
    y += match props.get("dominant-baseline").map(String::as_str) {
        Some("middle") => size * 0.3,
        Some("central") => size * 0.35,
        Some("hanging" | "text-before-edge") => size * 0.76,
        Some("text-after-edge" | "ideographic") => -size * 0.24,
        _ => 0.0,
    };
    let anchor = match props.get("text-anchor").map(String::as_str) {
        Some("middle") => Anchor::Middle,
        Some("end") => Anchor::End,
        _ => Anchor::Start,
    };
    let bold = props
        .get("font-weight")
        .is_some_and(|w| w == "bold" || w == "bolder" || w.parse::<u16>().is_ok_and(|n| n >= 600));
    let fill = props.get("fill").map_or("#000", String::as_str);
    let color = colour(fill)?;
    let opacity = number("opacity").unwrap_or(1.0) * number("fill-opacity").unwrap_or(1.0);
    if opacity <= 0.0 {
        return None;
    }
    Some(ChartText {
        text: content.split_whitespace().collect::<Vec<_>>().join(" "),
        x,
        y,
        size,
        bold,
        color,
        opacity: opacity.min(1.0),
        anchor,
        transform: parent.then(own_transform),
    })
}

pub(super) fn first_of_list(v: &str) -> &str {
    v.split([' ', ',']).find(|s| !s.is_empty()).unwrap_or("0")
}

/// `#rgb`, `#rrggbb`, `rgb(r, g, b)` or a few names; `None` for `none` (nothing to draw).
pub(super) fn colour(value: &str) -> Option<Rgb> {
    let v = value.trim();
    if let Some(hex) = v.strip_prefix('#') {
        let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
        let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        return match hex.len() {
            3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 => Some(Rgb(pair(0)?, pair(2)?, pair(4)?)),
            _ => Some(Rgb(0, 0, 0)),
        };
    }
    if let Some(args) = v.strip_prefix("rgb(").and_then(|a| a.strip_suffix(')')) {
        let n = numbers(args);
        let c = |i: usize| n.get(i).map_or(0, |x| x.clamp(0.0, 255.0).round() as u8);
        return Some(Rgb(c(0), c(1), c(2)));
    }
    match v {
        "none" | "transparent" => None,
        "white" => Some(Rgb(255, 255, 255)),
        "gray" | "grey" => Some(Rgb(128, 128, 128)),
        "red" => Some(Rgb(255, 0, 0)),
        "green" => Some(Rgb(0, 128, 0)),
        "blue" => Some(Rgb(0, 0, 255)),
        _ => Some(Rgb(0, 0, 0)),
    }
}

/// The opening tags of an XML text: (name, the tag's text without `<` and `>`).
pub(super) fn tags(xml: &str) -> impl Iterator<Item = (&str, &str)> {
    xml.split('<').skip(1).filter_map(|chunk| {
        let tag = chunk.split('>').next()?;
        if tag.starts_with(['/', '!', '?']) {
            return None;
        }
        let name = tag.split_whitespace().next()?.trim_end_matches('/');
        Some((name, tag))
    })
}

/// The attributes of a tag (`name="value"` or `name='value'`), values with entities decoded.
pub(super) fn attributes(tag: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    let mut rest = tag.split_once(char::is_whitespace).map_or("", |(_, r)| r);
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim();
        let value = rest[eq + 1..].trim_start();
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let value = &value[1..];
        let Some(end) = value.find(quote) else { break };
        out.push((name, decode(&value[..end])));
        rest = &value[end + 1..];
    }
    out
}

pub(super) fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// XML's predefined entities and numeric character references.
pub(super) fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let Some(semi) = after.find(';').filter(|i| *i <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The numbers in a list (`"0 0 800 450"`, `"90, 10, 20"`).
pub(super) fn numbers(s: &str) -> Vec<f32> {
    s.split([' ', ',', '\t', '\n'])
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// A length in user units (`"12"`, `"12px"`, `"12pt"`); `None` for percentages and the like.
pub(super) fn length(s: &str) -> Option<f32> {
    let s = s.trim();
    if let Some(n) = s.strip_suffix("px") {
        n.trim().parse().ok()
    } else if let Some(n) = s.strip_suffix("pt") {
        n.trim().parse::<f32>().ok().map(|v| v * 4.0 / 3.0)
    } else {
        s.parse().ok()
    }
}

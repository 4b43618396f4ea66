//! sprig's date functions, in UTC: `now` returns a `time.Time` host value; `date` and friends
//! format with Go's reference-time layouts (2006-01-02T15:04:05Z07:00).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{Reg, err, s, to_i64};
use crate::helm::template::value::{HostObject, Val, Value};

/// A Go time.Time in UTC.
#[derive(Debug)]
pub(crate) struct GoTime {
    pub secs: i64,
    pub nanos: u32,
}

impl HostObject for GoTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        Some(Ok(match method {
            "Unix" => Value::Int(self.secs),
            "UnixNano" => Value::Int(self.secs.saturating_mul(1_000_000_000).saturating_add(i64::from(self.nanos))),
            "Year" => Value::Int(civil(self.secs).0),
            "String" => Value::String(format_layout(self.secs, self.nanos, "2006-01-02 15:04:05.999999999 -0700 MST")),
            "Format" => match args.first() {
                Some(Value::String(l)) => Value::String(format_layout(self.secs, self.nanos, l)),
                _ => return Some(Err("wrong number of args for Format: want 1".into())),
            },
            _ => return None,
        }))
    }
}

fn now() -> Val {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    Val::Host(Arc::new(GoTime { secs: d.as_secs() as i64, nanos: d.subsec_nanos() }))
}

/// Seconds and nanoseconds of a date argument (time.Time or Unix seconds), as sprig accepts.
fn instant(v: &Val) -> (i64, u32) {
    match v {
        Val::Host(h) if h.type_name() == "time.Time" => {
            let ns = match h.call("UnixNano", &[]) {
                Some(Ok(Value::Int(n))) => n,
                _ => 0,
            };
            (ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000) as u32)
        }
        Val::Int(_) | Val::Float(_) => (to_i64(v), 0),
        _ => {
            let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
            (d.as_secs() as i64, d.subsec_nanos())
        }
    }
}

pub(crate) fn register(r: &mut Reg) {
    r.add("now", "", |_, _| Ok(now()));
    r.add("date", "sa", |_, a| {
        let (sec, ns) = instant(&a[1]);
        Ok(Val::str(format_layout(sec, ns, s(&a[0]))))
    });
    for name in ["dateInZone", "date_in_zone"] {
        r.add(name, "sas", |_, a| {
            let (sec, ns) = instant(&a[1]);
            Ok(Val::str(format_layout(sec, ns, s(&a[0]))))
        });
    }
    r.add("htmlDate", "a", |_, a| {
        let (sec, ns) = instant(&a[0]);
        Ok(Val::str(format_layout(sec, ns, "2006-01-02")))
    });
    r.add("htmlDateInZone", "as", |_, a| {
        let (sec, ns) = instant(&a[0]);
        Ok(Val::str(format_layout(sec, ns, "2006-01-02")))
    });
    r.add("unixEpoch", "a", |_, a| Ok(Val::str(instant(&a[0]).0.to_string())));
    r.add("toDate", "ss", |_, a| {
        Ok(parse_layout(s(&a[0]), s(&a[1])).map_or_else(|_| time(i64::MIN / 4, 0), |t| time(t, 0)))
    });
    r.add("mustToDate", "ss", |_, a| parse_layout(s(&a[0]), s(&a[1])).map(|t| time(t, 0)).or_else(err));
    r.add("duration", "a", |_, a| Ok(Val::str(duration(to_i64(&a[0])))));
    r.add("ago", "a", |_, a| {
        let (sec, _) = instant(&a[0]);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs() as i64;
        Ok(Val::str(duration(now - sec)))
    });
    for name in ["dateModify", "mustDateModify", "date_modify", "must_date_modify"] {
        r.add(name, "sa", |_, a| {
            let (sec, ns) = instant(&a[1]);
            match parse_duration(s(&a[0])) {
                Some(d) => Ok(time(sec + d, ns)),
                None => err(format!("time: invalid duration \"{}\"", s(&a[0]))),
            }
        });
    }
}

fn time(secs: i64, nanos: u32) -> Val {
    Val::Host(Arc::new(GoTime { secs, nanos }))
}

/// Whole seconds of a Go duration string such as "-1h30m" or "90s".
fn parse_duration(s: &str) -> Option<i64> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let n = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
        let num: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let mult = match &rest[..u] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += num * mult;
        rest = &rest[u..];
    }
    Some(if neg { -total as i64 } else { total as i64 })
}

/// time.Duration's String for whole seconds ("1h2m3s", "0s").
fn duration(secs: i64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let sign = if secs < 0 { "-" } else { "" };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if h > 0 {
        format!("{sign}{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{sign}{m}m{s}s")
    } else {
        format!("{sign}{s}s")
    }
}

/// (year, month 1-12, day, weekday 0=Sunday, day of year) of Unix seconds, UTC.
fn civil(secs: i64) -> (i64, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    let wd = (days + 4).rem_euclid(7) as u32;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const CUM: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let yday = CUM[(m - 1) as usize] + d + u32::from(leap && m > 2);
    (y, m, d, wd, yday)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// Layout tokens, longest first.
const TOKENS: &[&str] = &[
    "January",
    "Monday",
    "Jan",
    "Mon",
    "MST",
    "2006",
    "-07:00:00",
    "-0700",
    "-07:00",
    "-07",
    "Z07:00:00",
    "Z0700",
    "Z07:00",
    "Z07",
    "01",
    "02",
    "_2",
    "002",
    "15",
    "03",
    "04",
    "05",
    "06",
    "PM",
    "pm",
    "1",
    "2",
    "3",
    "4",
    "5",
];

/// Formats UTC Unix seconds with a Go layout.
pub(crate) fn format_layout(secs: i64, nanos: u32, layout: &str) -> String {
    let (y, mo, d, wd, yday) = civil(secs);
    let tod = secs.rem_euclid(86_400);
    let (h, mi, s) = (tod / 3600, tod / 60 % 60, tod % 60);
    let mut out = String::new();
    let mut rest = layout;
    while !rest.is_empty() {
        // Fractional seconds: .000 / .999 / ,000.
        if let Some(tail) = rest.strip_prefix(['.', ',']) {
            let n = tail.chars().take_while(|&c| c == '0').count();
            let n9 = tail.chars().take_while(|&c| c == '9').count();
            let after = n.max(n9);
            if after > 0 && !tail[after..].starts_with(|c: char| c.is_ascii_digit()) {
                let digits = format!("{nanos:09}");
                if n > 0 {
                    out.push_str(&rest[..1]);
                    out.push_str(&digits[..n]);
                } else {
                    let t = digits[..n9].trim_end_matches('0');
                    if !t.is_empty() {
                        out.push_str(&rest[..1]);
                        out.push_str(t);
                    }
                }
                rest = &tail[after..];
                continue;
            }
        }
        let Some(tok) = TOKENS.iter().find(|t| rest.starts_with(**t)) else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        let piece = match *tok {
            "January" => MONTHS[(mo - 1) as usize].to_string(),
            "Jan" => MONTHS[(mo - 1) as usize][..3].to_string(),
            "Monday" => DAYS[wd as usize].to_string(),
            "Mon" => DAYS[wd as usize][..3].to_string(),
            "MST" => "UTC".into(),
            "2006" => format!("{y:04}"),
            "06" => format!("{:02}", y.rem_euclid(100)),
            "01" => format!("{mo:02}"),
            "1" => mo.to_string(),
            "02" => format!("{d:02}"),
            "_2" => format!("{d:>2}"),
            "2" => d.to_string(),
            "002" => format!("{yday:03}"),
            "15" => format!("{h:02}"),
            "03" => format!("{:02}", if h % 12 == 0 { 12 } else { h % 12 }),
            "3" => (if h % 12 == 0 { 12 } else { h % 12 }).to_string(),
            "04" => format!("{mi:02}"),
            "4" => mi.to_string(),
            "05" => format!("{s:02}"),
            "5" => s.to_string(),
            "PM" => (if h >= 12 { "PM" } else { "AM" }).into(),
            "pm" => (if h >= 12 { "pm" } else { "am" }).into(),
            t if t.starts_with('Z') => "Z".into(),
            "-0700" => "+0000".into(),
            "-07:00" => "+00:00".into(),
            "-07" => "+00".into(),
            _ => "+00:00:00".into(),
        };
        out.push_str(&piece);
        rest = &rest[tok.len()..];
    }
    out
}

/// Parses `value` with a Go layout (numeric fields, month names, UTC offsets ignored).
fn parse_layout(layout: &str, value: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "parsing time {} as {}: cannot parse",
            crate::helm::template::lex::go_quote(value),
            crate::helm::template::lex::go_quote(layout)
        )
    };
    let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut pm) = (1i64, 1u32, 1u32, 0i64, 0i64, 0i64, None);
    let (mut l, mut v) = (layout, value);
    let num = |v: &mut &str, max: usize| -> Option<i64> {
        let n = v.chars().take(max).take_while(char::is_ascii_digit).count();
        let x = v[..n].parse().ok()?;
        *v = &v[n..];
        Some(x)
    };
    while !l.is_empty() {
        if let Some(tok) = TOKENS.iter().find(|t| l.starts_with(**t)) {
            match *tok {
                "2006" => y = num(&mut v, 4).ok_or_else(bad)?,
                "06" => y = 2000 + num(&mut v, 2).ok_or_else(bad)?,
                "01" | "1" => mo = num(&mut v, 2).ok_or_else(bad)? as u32,
                "02" | "2" | "_2" => {
                    v = v.trim_start();
                    d = num(&mut v, 2).ok_or_else(bad)? as u32
                }
                "15" | "03" | "3" => h = num(&mut v, 2).ok_or_else(bad)?,
                "04" | "4" => mi = num(&mut v, 2).ok_or_else(bad)?,
                "05" | "5" => s = num(&mut v, 2).ok_or_else(bad)?,
                "January" | "Jan" => {
                    let i = MONTHS
                        .iter()
                        .position(|m| v.starts_with(if *tok == "Jan" { &m[..3] } else { m }))
                        .ok_or_else(bad)?;
                    v = &v[if *tok == "Jan" { 3 } else { MONTHS[i].len() }..];
                    mo = i as u32 + 1;
                }
                "PM" | "pm" => {
                    pm = Some(v.starts_with(['P', 'p']));
                    v = v.get(2..).ok_or_else(bad)?;
                }
                _ => {
                    let n = v.find([' ', 'T']).unwrap_or(v.len()).min(tok.len().max(1));
                    v = &v[n..];
                }
            }
            l = &l[tok.len()..];
        } else {
            let c = l.chars().next().unwrap_or(' ');
            v = v.strip_prefix(c).ok_or_else(bad)?;
            l = &l[c.len_utf8()..];
        }
    }
    if !v.is_empty() || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    if let Some(p) = pm {
        h = h % 12 + if p { 12 } else { 0 };
    }
    Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        assert_eq!(format_layout(0, 0, "2006-01-02T15:04:05Z07:00"), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_layout(1_700_000_000, 5_000_000, "Mon Jan _2 15:04:05.000 2006"),
            "Tue Nov 14 22:13:20.005 2023"
        );
        assert_eq!(parse_layout("2006-01-02", "2023-11-14").unwrap(), 1_699_920_000);
        assert_eq!(duration(3725), "1h2m5s");
        assert_eq!(parse_duration("-1h30m"), Some(-5400));
    }
}

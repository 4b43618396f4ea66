//! sprig's math (numeric.go): integer functions convert with spf13/cast's ToInt64 and return
//! int64; the `f` variants compute in decimal like shopspring/decimal (so `addf 0.1 0.2` is 0.3).

use super::{FnResult, Reg, err, int, s, to_f64, to_i64};
use crate::helm::template::value::Val;

pub(crate) fn register(r: &mut Reg) {
    r.add("add1", "a", |_, a| Ok(Val::Int(to_i64(&a[0]).wrapping_add(1))));
    r.add("add", "a*", |_, a| Ok(Val::Int(a.iter().fold(0i64, |acc, x| acc.wrapping_add(to_i64(x))))));
    r.add("sub", "aa", |_, a| Ok(Val::Int(to_i64(&a[0]).wrapping_sub(to_i64(&a[1])))));
    r.add("mul", "aa*", |_, a| Ok(Val::Int(a[1..].iter().fold(to_i64(&a[0]), |acc, x| acc.wrapping_mul(to_i64(x))))));
    r.add("div", "aa", |_, a| match to_i64(&a[1]) {
        0 => err("runtime error: integer divide by zero"),
        d => Ok(Val::Int(to_i64(&a[0]).wrapping_div(d))),
    });
    r.add("mod", "aa", |_, a| match to_i64(&a[1]) {
        0 => err("runtime error: integer divide by zero"),
        d => Ok(Val::Int(to_i64(&a[0]).wrapping_rem(d))),
    });
    for name in ["max", "biggest"] {
        r.add(name, "aa*", |_, a| Ok(Val::Int(a.iter().map(to_i64).max().unwrap_or(0))));
    }
    r.add("min", "aa*", |_, a| Ok(Val::Int(a.iter().map(to_i64).min().unwrap_or(0))));
    r.add("maxf", "aa*", |_, a| Ok(Val::Float(a.iter().map(to_f64).fold(f64::NEG_INFINITY, go_max))));
    r.add("minf", "aa*", |_, a| Ok(Val::Float(a.iter().map(to_f64).fold(f64::INFINITY, go_min))));
    r.add("floor", "a", |_, a| Ok(Val::Float(to_f64(&a[0]).floor())));
    r.add("ceil", "a", |_, a| Ok(Val::Float(to_f64(&a[0]).ceil())));
    r.add("round", "aif*", |_, a| {
        let round_on = a.get(2).map_or(0.5, to_f64);
        let pow = 10f64.powf(int(&a[1]) as f64);
        let digit = pow * to_f64(&a[0]);
        let frac = digit.fract();
        Ok(Val::Float(if frac >= round_on { digit.ceil() } else { digit.floor() } / pow))
    });
    r.add("addf", "a*", |_, a| decimal_op(&Val::Float(0.0), &a, Op::Add));
    r.add("add1f", "a", |_, a| decimal_op(&a[0], &[Val::Int(1)], Op::Add));
    r.add("subf", "aa*", |_, a| decimal_op(&a[0], &a[1..], Op::Sub));
    r.add("mulf", "aa*", |_, a| decimal_op(&a[0], &a[1..], Op::Mul));
    r.add("divf", "aa*", |_, a| decimal_op(&a[0], &a[1..], Op::Div));
    r.add("int64", "a", |_, a| Ok(Val::Int(to_i64(&a[0]))));
    r.add("int", "a", |_, a| Ok(Val::Int(to_i64(&a[0]))));
    r.add("float64", "a", |_, a| Ok(Val::Float(to_f64(&a[0]))));
    r.add("atoi", "s", |_, a| Ok(Val::Int(atoi(s(&a[0])))));
    r.add("toDecimal", "a", |_, a| {
        let text = crate::helm::template::fmt::sprint(&a[..1]);
        Ok(Val::Int(i64::from_str_radix(&text, 8).unwrap_or(0)))
    });
    r.add("randInt", "ii", |_, a| {
        let (lo, hi) = (int(&a[0]), int(&a[1]));
        if hi <= lo {
            return err("invalid argument to Intn");
        }
        Ok(Val::Int(lo + (super::strings::random_u64() % (hi - lo) as u64) as i64))
    });
}

/// math.Max / math.Min (NaN wins).
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() { f64::NAN } else { a.max(b) }
}

fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() { f64::NAN } else { a.min(b) }
}

/// strconv.Atoi (decimal only; 0 on error).
fn atoi(s: &str) -> i64 {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return 0;
    }
    s.parse().unwrap_or(0)
}

/// A decimal m × 10^e, enough for sprig's float arithmetic.
#[derive(Clone, Copy)]
struct Dec {
    m: i128,
    e: i32,
}

impl Dec {
    fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e')?;
        let neg = mant.starts_with('-');
        let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
        let m: i128 = digits.parse().ok()?;
        let e = exp.parse::<i32>().ok()? - (digits.len() as i32 - 1);
        Some(Dec { m: if neg { -m } else { m }, e })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(f64::NAN)
    }

    fn align(a: Dec, b: Dec) -> Option<(i128, i128, i32)> {
        let e = a.e.min(b.e);
        let scale = |d: Dec| -> Option<i128> { d.m.checked_mul(10i128.checked_pow((d.e - e) as u32)?) };
        Some((scale(a)?, scale(b)?, e))
    }

    fn add(a: Dec, b: Dec) -> Option<Dec> {
        let (x, y, e) = Dec::align(a, b)?;
        Some(Dec { m: x.checked_add(y)?, e })
    }

    fn sub(a: Dec, b: Dec) -> Option<Dec> {
        let (x, y, e) = Dec::align(a, b)?;
        Some(Dec { m: x.checked_sub(y)?, e })
    }

    fn mul(a: Dec, b: Dec) -> Option<Dec> {
        Some(Dec { m: a.m.checked_mul(b.m)?, e: a.e.checked_add(b.e)? })
    }

    /// Quotient rounded (half away from zero) to 16 decimal places, as shopspring's Div.
    fn div(a: Dec, b: Dec) -> Option<Dec> {
        if b.m == 0 {
            return None;
        }
        // a/b = (a.m / b.m) × 10^(a.e - b.e); want the result × 10^16 as an integer.
        let shift = a.e - b.e + 16;
        let (num, den) = if shift >= 0 {
            (a.m.checked_mul(10i128.checked_pow(shift as u32 + 1)?)?, b.m)
        } else {
            (a.m.checked_mul(10)?, b.m.checked_mul(10i128.checked_pow((-shift) as u32)?)?)
        };
        let q10 = num / den;
        let q = (q10 + q10.signum() * 5) / 10;
        Some(Dec { m: q, e: -16 })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

fn decimal_op(first: &Val, rest: &[Val], op: Op) -> FnResult {
    let mut acc = to_f64(first);
    let mut dec = Dec::from_f64(acc);
    for x in rest {
        let y = to_f64(x);
        if y == 0.0 && op == Op::Div {
            return err("decimal division by 0");
        }
        let f = match op {
            Op::Add => Dec::add,
            Op::Sub => Dec::sub,
            Op::Mul => Dec::mul,
            Op::Div => Dec::div,
        };
        dec = match (dec, Dec::from_f64(y)) {
            (Some(a), Some(b)) => f(a, b),
            _ => None,
        };
        acc = match dec {
            Some(d) => d.to_f64(),
            None => {
                // Out of the decimal's range: fall back to binary floating point.
                let r = match op {
                    Op::Add => acc + y,
                    Op::Sub => acc - y,
                    Op::Mul => acc * y,
                    Op::Div => acc / y,
                };
                dec = Dec::from_f64(r);
                r
            }
        };
    }
    Ok(Val::Float(acc))
}

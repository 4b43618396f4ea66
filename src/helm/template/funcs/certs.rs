//! sprig's certificate functions and private keys (registered in crypto.rs): the `certificate`
//! struct, PEM, private keys, and certificate building.
//!
//! Certificates are built as Go's x509.CreateCertificate builds sprig's template: serial
//! below 2^128, subject CN only (PrintableString when it can be), validity now to now +
//! DAYS×24h, key usage (critical) digitalSignature|keyEncipherment (+keyCertSign for a CA),
//! extended key usage serverAuth, clientAuth, basic constraints (critical), a CA's subject key
//! id (SHA-256 of the key, first 160 bits, as Go 1.25), the authority key id from the signing
//! CA, then the subject alternative names (DNS names, then IPs). RSA keys sign with
//! SHA256WithRSA, P-256 keys with ECDSAWithSHA256, Ed25519 keys with Ed25519.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, ObjectIdentifier, PrivateKeyInfoRef};
use sha2::{Digest, Sha256};
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::der::asn1::{Ia5String, OctetString};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};
use x509_cert::time::{Time, Validity};

use super::crypto::{CERTIFICATE_TYPE, random, rng};
use super::{FnError, FnResult, int, s};
use crate::helm::template::fmt::to_go_string;
use crate::helm::template::value::{HostObject, Val, Value};

// ---------------------------------------------------------------------------------------------
// The certificate struct

/// sprig's `certificate{Cert, Key string}`, a struct value: `.Cert` and `.Key` are fields,
/// `%v` prints `{CERT KEY}`, toJson `{"Cert":...,"Key":...}`, `index` cannot index it.
#[derive(Debug)]
pub(super) struct Certificate {
    cert: String,
    key: String,
}

impl HostObject for Certificate {
    fn type_name(&self) -> &str {
        CERTIFICATE_TYPE
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::String(self.cert.clone())),
            "Key" => Some(Value::String(self.key.clone())),
            _ => None,
        }
    }

    fn call(&self, _method: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }

    fn struct_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(vec![("Cert".into(), Value::String(self.cert.clone())), ("Key".into(), Value::String(self.key.clone()))])
    }
}

pub(super) fn certificate(r: Result<Certificate, String>) -> FnResult {
    match r {
        Ok(c) => Ok(Val::Host(Arc::new(c))),
        Err(e) => Err(FnError::Msg(crate::helm::template::ErrorKind::Exec, e)),
    }
}

/// The `.Cert` and `.Key` of a certificate argument (the executor checked its type).
fn cert_arg(v: &Val) -> (String, String) {
    let field = |name: &str| match v {
        Val::Host(h) => match h.field(name) {
            Some(Value::String(s)) => s,
            _ => String::new(),
        },
        _ => String::new(),
    };
    (field("Cert"), field("Key"))
}

// ---------------------------------------------------------------------------------------------
// PEM

/// Go's pem.Encode: the type lines around the base64 of `der` in lines of 64 characters.
pub(super) fn pem_encode(typ: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {typ}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {typ}-----\n"));
    out
}

/// Go's pem.Decode: the first well-formed block of `data` (it starts at the beginning of the
/// text or of a line), as its type and bytes; headers are skipped.
pub(super) fn pem_decode(data: &str) -> Option<(String, Vec<u8>)> {
    const BEGIN: &str = "-----BEGIN ";
    let mut rest = data;
    loop {
        let at = if rest.starts_with(BEGIN) { 0 } else { rest.find("\n-----BEGIN ")? + 1 };
        rest = &rest[at + BEGIN.len()..];
        let (line, body) = rest.split_once('\n').unwrap_or((rest, ""));
        let Some(typ) = line.trim_end_matches([' ', '\t', '\r']).strip_suffix("-----") else { continue };
        let end = format!("-----END {typ}-----");
        let body = if body.starts_with(&end) {
            ""
        } else {
            match body.find(&format!("\n{end}")) {
                Some(i) => &body[..i],
                None => continue,
            }
        };
        let mut lines: Vec<&str> = body.lines().collect();
        if lines.iter().any(|l| l.contains(':')) {
            let headers = lines.iter().take_while(|l| l.contains(':')).count();
            lines.drain(..headers);
        }
        let text: String = lines.concat().chars().filter(|c| !c.is_ascii_whitespace()).collect();
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text) {
            return Some((typ.to_string(), bytes));
        }
    }
}

/// Go's base64.StdEncoding.DecodeString, which skips newlines.
pub(super) fn b64_decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let clean: String = text.chars().filter(|&c| c != '\n' && c != '\r').collect();
    base64::engine::general_purpose::STANDARD.decode(clean)
}

// ---------------------------------------------------------------------------------------------
// Keys

/// A private key, as sprig's parsePrivateKeyPEM reads one.
pub(super) enum Key {
    Rsa(Box<rsa::PrivateKey>),
    Ec(p256::SecretKey),
    Ed(ed25519_dalek::SigningKey),
    /// A key Go reads but cannot sign or certify with (DSA); its Go type.
    Unusable(&'static str),
}

pub(super) const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub(super) const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
pub(super) const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
pub(super) const OID_KP_SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
pub(super) const OID_KP_CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");

fn new_rsa_key(bits: usize) -> Result<Key, String> {
    if super::crypto::lint_render() {
        // A reproducible render (`paved lint`) makes one 1024-bit key per process and reuses it
        // wherever a key is asked for: generating RSA-2048 takes 0.1-1 s (the prime search is
        // random), and no rule reads a Secret's key or its size.
        static KEY: std::sync::OnceLock<Result<rsa::PrivateKey, String>> = std::sync::OnceLock::new();
        let k = KEY.get_or_init(|| rsa::PrivateKey::new(&mut rng(), 1024).map_err(|e| e.to_string()));
        return k.clone().map(|k| Key::Rsa(Box::new(k)));
    }
    rsa::PrivateKey::new(&mut rng(), bits).map(|k| Key::Rsa(Box::new(k))).map_err(|e| e.to_string())
}

fn new_ec_key() -> Key {
    loop {
        if let Ok(k) = p256::SecretKey::from_slice(&random::<32>()) {
            return Key::Ec(k);
        }
    }
}

/// sprig's generatePrivateKey: PEM text, or the reason as the text (sprig returns no error).
pub(super) fn gen_private_key(typ: &str) -> String {
    let key = match typ {
        "" | "rsa" => new_rsa_key(4096),
        "ecdsa" => Ok(new_ec_key()),
        "ed25519" => Ok(Key::Ed(ed25519_dalek::SigningKey::from_bytes(&random::<32>()))),
        _ => return format!("Unknown type {typ}"),
    };
    match key.and_then(|k| pem_for_key(&k)) {
        Ok(pem) => pem,
        Err(e) => format!("failed to generate private key: {e}"),
    }
}

/// sprig's pemBlockForKey: PKCS#1 for RSA, SEC1 for EC, PKCS#8 for Ed25519.
pub(super) fn pem_for_key(key: &Key) -> Result<String, String> {
    match key {
        Key::Rsa(k) => {
            let der = k.to_pkcs1_der().map_err(|e| e.to_string())?;
            Ok(pem_encode("RSA PRIVATE KEY", der.as_bytes()))
        }
        Key::Ec(k) => {
            let der = k.to_sec1_der().map_err(|e| e.to_string())?;
            Ok(pem_encode("EC PRIVATE KEY", &der))
        }
        // PKCS#8 v1 as Go writes it: version 0, the algorithm, the seed in an OCTET STRING.
        Key::Ed(k) => {
            let mut der =
                vec![0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
            der.extend_from_slice(&k.to_bytes());
            Ok(pem_encode("PRIVATE KEY", &der))
        }
        Key::Unusable(typ) => Err(format!("unsupported key type {typ}")),
    }
}

/// sprig's parsePrivateKeyPEM.
pub(super) fn parse_private_key_pem(text: &str) -> Result<Key, String> {
    let Some((typ, der)) = pem_decode(text) else { return Err("no PEM data in input".into()) };
    if typ == "PRIVATE KEY" {
        return parse_pkcs8(&der).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(kind) = typ.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {typ}"));
    };
    match kind {
        "RSA" => rsa::PrivateKey::from_pkcs1_der(&der)
            .map(|k| Key::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => p256::SecretKey::from_sec1_der(&der)
            .map(Key::Ec)
            .map_err(|e| format!("parsing EC private key from PEM: {e} (paved reads P-256 keys only)")),
        "DSA" => Ok(Key::Unusable("*dsa.PrivateKey")),
        _ => Err(format!("invalid private key type {typ}")),
    }
}

fn parse_pkcs8(der: &[u8]) -> Result<Key, String> {
    let info = PrivateKeyInfoRef::try_from(der).map_err(|e| e.to_string())?;
    let oid = info.algorithm.oid;
    if oid == OID_RSA {
        rsa::PrivateKey::from_pkcs8_der(der).map(|k| Key::Rsa(Box::new(k))).map_err(|e| e.to_string())
    } else if oid == OID_EC {
        match info.algorithm.parameters_oid() {
            Ok(curve) if curve == OID_P256 => {
                p256::SecretKey::from_pkcs8_der(der).map(Key::Ec).map_err(|e| e.to_string())
            }
            Ok(curve) => Err(format!("paved reads P-256 EC keys only, not curve {curve}")),
            Err(e) => Err(e.to_string()),
        }
    } else if oid == OID_ED25519 {
        // CurvePrivateKey ::= OCTET STRING (the 32-byte seed).
        match info.private_key.as_bytes() {
            [0x04, 0x20, seed @ ..] if seed.len() == 32 => {
                let seed: [u8; 32] = seed.try_into().expect("32 bytes");
                Ok(Key::Ed(ed25519_dalek::SigningKey::from_bytes(&seed)))
            }
            _ => Err("x509: invalid Ed25519 private key".into()),
        }
    } else {
        Err(format!("x509: PKCS#8 wrapping contained private key with unknown algorithm: {oid}"))
    }
}

/// The key's SubjectPublicKeyInfo, or Go's error for a key x509 cannot certify.
pub(super) fn public_key_info(key: &Key) -> Result<SubjectPublicKeyInfoOwned, String> {
    let der = match key {
        Key::Rsa(k) => k.to_public_key().to_public_key_der(),
        Key::Ec(k) => k.public_key().to_public_key_der(),
        Key::Ed(k) => k.verifying_key().to_public_key_der(),
        Key::Unusable(typ) => {
            return Err(format!("x509: unsupported public key type: {}", typ.replace("Private", "Public")));
        }
    }
    .map_err(|e| e.to_string())?;
    SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Certificates

/// sprig's getBaseCertTemplate, less the key.
struct Template {
    cn: String,
    ips: Vec<IpAddr>,
    dns: Vec<String>,
    days: i64,
    is_ca: bool,
}

/// getNetIPs and getAlternateDNSStrs: every element must be a string (an IP Go's net.ParseIP
/// reads, for IPs).
fn template(cn: &str, ips: &Val, dns: &Val, days: i64) -> Result<Template, String> {
    let items = |v: &Val| match v {
        Val::List(l) => l.as_ref().clone(),
        _ => Vec::new(),
    };
    let mut t = Template { cn: cn.to_string(), ips: Vec::new(), dns: Vec::new(), days, is_ca: false };
    for ip in items(ips) {
        let Val::Str(text) = &ip else {
            return Err(format!("error parsing ip: {} is not a string", to_go_string(&ip)));
        };
        t.ips.push(text.parse::<IpAddr>().map_err(|_| format!("error parsing ip: {text}"))?);
    }
    for name in items(dns) {
        let Val::Str(text) = &name else {
            return Err(format!("error processing alternate dns name: {} is not a string", to_go_string(&name)));
        };
        t.dns.push(text.to_string());
    }
    Ok(t)
}

/// A parsed signing CA: its certificate's subject, key and subject key id.
struct Issuer {
    subject: Name,
    public_key: SubjectPublicKeyInfoOwned,
    key_id: Option<Vec<u8>>,
}

pub(super) fn gen_ca(cn: &str, days: i64, key_pem: Option<&str>) -> Result<Certificate, String> {
    let key = match key_pem {
        None => new_rsa_key(2048).map_err(|e| format!("error generating rsa key: {e}"))?,
        Some(pem) => parse_private_key_pem(pem).map_err(|e| format!("parsing private key: {e}"))?,
    };
    let mut t = template(cn, &Val::Nil, &Val::Nil, days)?;
    t.is_ca = true;
    create(&t, &key, None, &key)
}

pub(super) fn gen_self_signed(a: &[Val], key_pem: Option<&str>) -> Result<Certificate, String> {
    let key = match key_pem {
        None => new_rsa_key(2048).map_err(|e| format!("error generating rsa key: {e}"))?,
        Some(pem) => parse_private_key_pem(pem).map_err(|e| format!("parsing private key: {e}"))?,
    };
    let t = template(s(&a[0]), &a[1], &a[2], int(&a[3]))?;
    create(&t, &key, None, &key)
}

pub(super) fn gen_signed(a: &[Val], key_pem: Option<&str>) -> Result<Certificate, String> {
    let key = match key_pem {
        None => new_rsa_key(2048).map_err(|e| format!("error generating rsa key: {e}"))?,
        Some(pem) => parse_private_key_pem(pem).map_err(|e| format!("parsing private key: {e}"))?,
    };
    let (ca_cert, ca_key) = cert_arg(&a[4]);
    let Some((_, der)) = pem_decode(&ca_cert) else { return Err("unable to decode certificate".into()) };
    let parsed = x509_cert::Certificate::from_der(&der)
        .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: {e}"))?;
    let signer = parse_private_key_pem(&ca_key).map_err(|e| format!("error parsing private key: {e}"))?;
    let tbs = parsed.tbs_certificate();
    let issuer = Issuer {
        subject: tbs.subject().clone(),
        public_key: tbs.subject_public_key_info().clone(),
        key_id: tbs
            .get_extension::<SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .map(|(_, id)| id.0.as_bytes().to_vec())
            .filter(|id| !id.is_empty()),
    };
    let t = template(s(&a[0]), &a[1], &a[2], int(&a[3]))?;
    create(&t, &key, Some(&issuer), &signer)
}

/// sprig's buildCustomCertificate: checks both parse, returns the decoded text as given.
pub(super) fn build_custom_cert(cert_b64: &str, key_b64: &str) -> Result<Certificate, String> {
    let cert = b64_decode(cert_b64).map_err(|_| "unable to decode base64 certificate".to_string())?;
    let key = b64_decode(key_b64).map_err(|_| "unable to decode base64 private key".to_string())?;
    let (cert, key) = (String::from_utf8_lossy(&cert).into_owned(), String::from_utf8_lossy(&key).into_owned());
    let Some((_, der)) = pem_decode(&cert) else { return Err("unable to decode certificate".into()) };
    x509_cert::Certificate::from_der(&der).map_err(|e| format!("error parsing certificate: decodedCert.Bytes: {e}"))?;
    parse_private_key_pem(&key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(Certificate { cert, key })
}

/// A subject with only a common name, its value a PrintableString when Go's asn1 would pick
/// one (letters, digits, space and `'()+,-./:=?`), else a UTF8String; no CN, an empty name.
fn subject_name(cn: &str) -> Result<Name, String> {
    if cn.is_empty() {
        return Name::from_der(&[0x30, 0x00]).map_err(|e| e.to_string());
    }
    let printable = cn.bytes().all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    let value = der_tlv(if printable { 0x13 } else { 0x0c }, cn.as_bytes());
    let atv = der_tlv(0x30, &[&[0x06, 0x03, 0x55, 0x04, 0x03][..], &value].concat());
    Name::from_der(&der_tlv(0x30, &der_tlv(0x31, &atv))).map_err(|e| e.to_string())
}

/// One DER element.
fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let len = n.to_be_bytes();
        let skip = len.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (len.len() - skip) as u8);
        out.extend_from_slice(&len[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// notBefore now, notAfter `days` × 24h later, in whole seconds (Go's time.Now().Add(...)).
fn validity(days: i64) -> Result<Validity, String> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?.as_secs();
    let secs = days.saturating_mul(86_400);
    let after = (now as i64).checked_add(secs).filter(|&t| t >= 0).ok_or("x509: invalid validity period")?;
    let time = |t: u64| {
        Time::try_from(UNIX_EPOCH + Duration::from_secs(t)).map_err(|e| format!("error creating certificate: {e}"))
    };
    Ok(Validity::new(time(now)?, time(after as u64)?))
}

/// The extensions as Go's x509 writes sprig's template, in Go's order.
fn extensions(
    t: &Template,
    subject: &Name,
    public_key: &SubjectPublicKeyInfoOwned,
    issuer: Option<&Issuer>,
) -> Result<Vec<Extension>, String> {
    let e = |r: Result<Extension, x509_cert::der::Error>| r.map_err(|e| format!("error creating certificate: {e}"));
    let mut usages = KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment;
    if t.is_ca {
        usages |= KeyUsages::KeyCertSign;
    }
    let mut out = vec![
        e((true, &KeyUsage(usages)).to_extension(subject, &[]))?,
        e((false, &ExtendedKeyUsage(vec![OID_KP_SERVER_AUTH, OID_KP_CLIENT_AUTH])).to_extension(subject, &[]))?,
        e((true, &BasicConstraints { ca: t.is_ca, path_len_constraint: None }).to_extension(subject, &[]))?,
    ];
    if t.is_ca {
        let bits = public_key.subject_public_key.raw_bytes();
        let id = OctetString::new(&Sha256::digest(bits)[..20]).map_err(|e| e.to_string())?;
        out.push(e((false, &SubjectKeyIdentifier(id)).to_extension(subject, &[]))?);
    }
    // The signing CA's key id, unless the certificate names itself as its issuer.
    if let Some(issuer) = issuer
        && let Some(id) = &issuer.key_id
        && issuer.subject != *subject
    {
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(id.as_slice()).map_err(|e| e.to_string())?),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        };
        out.push(e((false, &aki).to_extension(subject, &[]))?);
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut names = Vec::new();
        for name in &t.dns {
            let ia5 = Ia5String::new(name)
                .map_err(|_| format!("error creating certificate: x509: {name:?} cannot be encoded as an IA5String"))?;
            names.push(GeneralName::DnsName(ia5));
        }
        for ip in &t.ips {
            let bytes = match ip {
                IpAddr::V4(v4) => v4.octets().to_vec(),
                IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or_else(|| v6.octets().to_vec(), |v4| v4.octets().to_vec()),
            };
            names.push(GeneralName::IpAddress(OctetString::new(bytes).map_err(|e| e.to_string())?));
        }
        // Critical when the subject is empty (RFC 5280 4.2.1.6), as Go marks it.
        out.push(e((subject.is_empty(), &SubjectAltName(names)).to_extension(subject, &[]))?);
    }
    Ok(out)
}

/// A builder profile that writes exactly the given subject, issuer and extensions.
struct Exact {
    subject: Name,
    issuer: Name,
    extensions: Vec<Extension>,
}

impl BuilderProfile for Exact {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        Ok(self.extensions.clone())
    }
}

/// sprig's getCertAndKey (x509.CreateCertificate, then both PEM blocks): `signee` is
/// certified, signed by `signer` as `issuer` (the certificate itself when `None`).
fn create(t: &Template, signee: &Key, issuer: Option<&Issuer>, signer: &Key) -> Result<Certificate, String> {
    let fail = |e: String| format!("error creating certificate: {e}");
    if matches!(signer, Key::Unusable(_)) {
        return Err(fail("x509: certificate private key does not implement crypto.Signer".into()));
    }
    if let Some(issuer) = issuer
        && public_key_info(signer).map_err(fail)? != issuer.public_key
    {
        return Err(fail("x509: provided PrivateKey doesn't match parent's PublicKey".into()));
    }
    let public_key = public_key_info(signee).map_err(fail)?;
    let subject = subject_name(&t.cn).map_err(fail)?;
    let serial = SerialNumber::new(&random::<16>()).map_err(|e| fail(e.to_string()))?;
    let profile = Exact {
        issuer: issuer.map_or_else(|| subject.clone(), |i| i.subject.clone()),
        extensions: extensions(t, &subject, &public_key, issuer)?,
        subject,
    };
    let builder =
        CertificateBuilder::new(profile, serial, validity(t.days)?, public_key).map_err(|e| fail(e.to_string()))?;
    let cert = match signer {
        Key::Rsa(k) => {
            builder.build::<_, rsa::pkcs1v15::Signature>(&rsa::pkcs1v15::SigningKey::<Sha256>::new(k.as_ref().clone()))
        }
        Key::Ec(k) => builder.build::<_, p256::ecdsa::DerSignature>(&p256::ecdsa::SigningKey::from(k)),
        Key::Ed(k) => builder.build::<_, ed25519_dalek::Signature>(k),
        Key::Unusable(_) => unreachable!("refused above"),
    }
    .map_err(|e| fail(e.to_string()))?;
    let der = cert.to_der().map_err(|e| fail(e.to_string()))?;
    let key = pem_for_key(signee).map_err(|e| format!("error pem-encoding key: {e}"))?;
    Ok(Certificate { cert: pem_encode("CERTIFICATE", &der), key })
}

//! The crypto functions through the engine: certificates parse back with the fields Go's x509
//! writes for sprig's templates and verify against their issuer, keys come in sprig's PEM
//! types, derivePassword gives sprig's own test vectors, AES round-trips (and matches NIST's
//! CBC-AES256 vector), bcrypt hashes verify.

use std::time::{SystemTime, UNIX_EPOCH};

use rsa::pkcs8::{DecodePublicKey, ObjectIdentifier, PrivateKeyInfoRef};
use rsa::signature::Verifier;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::Name;

use super::super::certs::*;
use super::*;
use crate::helm::template::tests::run;
use crate::helm::template::value::Value;

fn render(src: &str) -> Result<String, String> {
    run(&[("t", src)], r#"{"f": 1.5}"#, false)
}

/// The one certificate in `pem`.
fn parse_cert(pem: &str) -> x509_cert::Certificate {
    let (typ, der) = pem_decode(pem).expect("a PEM block");
    assert_eq!(typ, "CERTIFICATE");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n") && pem.ends_with("-----END CERTIFICATE-----\n"));
    assert!(pem.lines().all(|l| l.len() <= 64), "Go's 64-column PEM lines");
    x509_cert::Certificate::from_der(&der).expect("a DER certificate")
}

/// Renders `src`, which prints a certificate's `.Cert` and `.Key` separated by `|`.
fn render_pair(src: &str) -> (x509_cert::Certificate, String, String) {
    let out = render(src).unwrap();
    let (cert, key) = out.split_once('|').expect("CERT|KEY");
    (parse_cert(cert), cert.to_string(), key.to_string())
}

fn cn(name: &Name) -> String {
    name.common_name().unwrap().map(String::from).unwrap_or_default()
}

fn ext<'a, T: x509_cert::der::Decode<'a> + x509_cert::der::oid::AssociatedOid>(
    c: &'a x509_cert::Certificate,
) -> Option<(bool, T)> {
    c.tbs_certificate().get_extension::<T>().unwrap()
}

fn validity_days(c: &x509_cert::Certificate) -> f64 {
    let v = c.tbs_certificate().validity();
    let secs = v.not_after.to_unix_duration().as_secs() as f64 - v.not_before.to_unix_duration().as_secs() as f64;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert!(now.abs_diff(v.not_before.to_unix_duration().as_secs()) < 60, "notBefore is now");
    secs / 86_400.0
}

/// Checks `c`'s signature with the issuer's public key (`issuer` PEM).
fn verify_signed_by(c: &x509_cert::Certificate, issuer: &x509_cert::Certificate) {
    let tbs = c.tbs_certificate().to_der().unwrap();
    let spki = issuer.tbs_certificate().subject_public_key_info().to_der().unwrap();
    let sig = c.signature().raw_bytes();
    match issuer.tbs_certificate().subject_public_key_info().algorithm.oid {
        OID_RSA => {
            let key = rsa::PublicKey::from_public_key_der(&spki).unwrap();
            let vk = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key);
            vk.verify(&tbs, &rsa::pkcs1v15::Signature::try_from(sig).unwrap()).expect("RSA signature verifies");
        }
        OID_EC => {
            let vk = p256::ecdsa::VerifyingKey::from_public_key_der(&spki).unwrap();
            let sig = p256::ecdsa::DerSignature::try_from(sig).unwrap();
            vk.verify(&tbs, &sig).expect("ECDSA signature verifies");
        }
        oid => panic!("unexpected issuer key {oid}"),
    }
}

const KU_LEAF: &[u8] = &[0x03, 0x02, 0x05, 0xa0];
const KU_CA: &[u8] = &[0x03, 0x02, 0x02, 0xa4];

fn extension_value(c: &x509_cert::Certificate, oid: &str) -> Option<(bool, Vec<u8>)> {
    let oid = ObjectIdentifier::new_unwrap(oid);
    c.tbs_certificate()
        .extensions()?
        .iter()
        .find(|e| e.extn_id == oid)
        .map(|e| (e.critical, e.extn_value.as_bytes().to_vec()))
}

#[test]
fn gen_ca_is_a_self_signed_rsa_2048_ca() {
    let (c, _, key) = render_pair(r#"{{ $ca := genCA "x-ca" 365 }}{{ $ca.Cert }}|{{ $ca.Key }}"#);
    let tbs = c.tbs_certificate();
    assert_eq!(cn(tbs.subject()), "x-ca");
    assert_eq!(tbs.issuer(), tbs.subject());
    // PrintableString, as Go's asn1 picks for a plain name.
    assert_eq!(
        tbs.subject().to_der().unwrap(),
        [&b"\x30\x0f\x31\x0d\x30\x0b\x06\x03\x55\x04\x03\x13\x04"[..], b"x-ca"].concat()
    );
    assert_eq!(validity_days(&c), 365.0);
    assert_eq!(ext::<BasicConstraints>(&c), Some((true, BasicConstraints { ca: true, path_len_constraint: None })));
    assert_eq!(extension_value(&c, "2.5.29.15"), Some((true, KU_CA.to_vec())));
    let (_, eku) = ext::<ExtendedKeyUsage>(&c).unwrap();
    assert_eq!(eku.0, [OID_KP_SERVER_AUTH, OID_KP_CLIENT_AUTH]);
    let (_, ski) = ext::<SubjectKeyIdentifier>(&c).expect("a CA has a subject key id");
    assert_eq!(ski.0.as_bytes().len(), 20);
    assert!(ext::<AuthorityKeyIdentifier>(&c).is_none(), "self-signed: no authority key id");
    assert!(ext::<SubjectAltName>(&c).is_none());
    let order: Vec<String> = tbs.extensions().unwrap().iter().map(|e| e.extn_id.to_string()).collect();
    assert_eq!(order, ["2.5.29.15", "2.5.29.37", "2.5.29.19", "2.5.29.14"], "Go's extension order");
    let serial = c.tbs_certificate().serial_number().as_bytes();
    assert!(serial.len() <= 17 && serial[0] < 0x80, "a positive serial below 2^128: {serial:02x?}");
    verify_signed_by(&c, &c);

    assert!(key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"), "{key}");
    let Key::Rsa(k) = parse_private_key_pem(&key).unwrap() else { panic!("an RSA key") };
    assert_eq!(rsa::traits::PublicKeyParts::size(k.as_ref()), 256, "2048 bits");
    let spki = public_key_info(&Key::Rsa(k)).unwrap();
    assert_eq!(&spki, tbs.subject_public_key_info(), "the key is the certificate's");
}

#[test]
fn gen_signed_cert_is_issued_by_the_ca() {
    let src = r#"{{- $ca := genCA "x-ca" 365 }}{{- $cert := genSignedCert "svc.ns.svc" (list "10.0.0.1" "::1" "::ffff:10.0.0.2") (list "svc.ns.svc" "svc") 30 $ca -}}
{{ $ca.Cert }}|{{ $cert.Cert }}|{{ $cert.Key }}"#;
    let out = render(src).unwrap();
    let parts: Vec<&str> = out.split('|').collect();
    let (ca, c) = (parse_cert(parts[0]), parse_cert(parts[1]));
    let tbs = c.tbs_certificate();
    assert_eq!(cn(tbs.subject()), "svc.ns.svc");
    assert_eq!(tbs.issuer(), ca.tbs_certificate().subject());
    assert_eq!(validity_days(&c), 30.0);
    assert_eq!(ext::<BasicConstraints>(&c), Some((true, BasicConstraints { ca: false, path_len_constraint: None })));
    assert_eq!(extension_value(&c, "2.5.29.15"), Some((true, KU_LEAF.to_vec())));
    assert!(ext::<SubjectKeyIdentifier>(&c).is_none(), "Go gives only CAs a subject key id");
    let (_, ca_ski) = ext::<SubjectKeyIdentifier>(&ca).unwrap();
    let (_, aki) = ext::<AuthorityKeyIdentifier>(&c).expect("the CA's key id");
    assert_eq!(aki.key_identifier, Some(ca_ski.0));
    let (critical, san) = ext::<SubjectAltName>(&c).unwrap();
    assert!(!critical);
    let names: Vec<String> = san
        .0
        .iter()
        .map(|n| match n {
            GeneralName::DnsName(d) => format!("dns:{d}"),
            GeneralName::IpAddress(ip) => format!("ip:{:02x?}", ip.as_bytes()),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            "dns:svc.ns.svc",
            "dns:svc",
            "ip:[0a, 00, 00, 01]",
            "ip:[00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 00, 01]",
            "ip:[0a, 00, 00, 02]",
        ],
        "DNS names, then IPs, an IPv4-mapped address in 4 bytes (Go's To4)"
    );
    verify_signed_by(&c, &ca);
    assert!(parts[2].starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    let key = parse_private_key_pem(parts[2]).unwrap();
    assert_eq!(&public_key_info(&key).unwrap(), tbs.subject_public_key_info());
}

#[test]
fn self_signed_certs_and_template_errors() {
    let (c, _, _) =
        render_pair(r#"{{ $c := genSelfSignedCert "self" nil (list "a.example") 1 }}{{ $c.Cert }}|{{ $c.Key }}"#);
    assert_eq!(c.tbs_certificate().issuer(), c.tbs_certificate().subject());
    assert!(!ext::<BasicConstraints>(&c).unwrap().1.ca);
    assert!(ext::<SubjectKeyIdentifier>(&c).is_none() && ext::<AuthorityKeyIdentifier>(&c).is_none());
    assert_eq!(validity_days(&c), 1.0);
    verify_signed_by(&c, &c);
    // A name Go's PrintableString cannot hold is a UTF8String; no name, an empty subject
    // and a critical SAN.
    let (c, _, _) = render_pair(r#"{{ $c := genSelfSignedCert "café*" nil nil 1 }}{{ $c.Cert }}|"#);
    assert_eq!(c.tbs_certificate().subject().to_der().unwrap()[11], 0x0c);
    let (c, _, _) = render_pair(r#"{{ $c := genSelfSignedCert "" nil (list "x") 1 }}{{ $c.Cert }}|"#);
    assert!(c.tbs_certificate().subject().is_empty());
    assert!(ext::<SubjectAltName>(&c).unwrap().0);

    let e = |src: &str| render(src).unwrap_err();
    assert!(
        e(r#"{{ genSelfSignedCert "x" (list "nope") nil 1 }}"#)
            .ends_with("error calling genSelfSignedCert: error parsing ip: nope")
    );
    assert!(e(r#"{{ genSelfSignedCert "x" (list 1) nil 1 }}"#).ends_with("error parsing ip: 1 is not a string"));
    assert!(
        e(r#"{{ genSelfSignedCert "x" nil (list .f) 1 }}"#)
            .ends_with("error processing alternate dns name: 1.5 is not a string")
    );
    assert!(
        e(r#"{{ genSelfSignedCert "x" nil (list "é.example") 1 }}"#)
            .ends_with(r#"error creating certificate: x509: "é.example" cannot be encoded as an IA5String"#)
    );
    assert!(
        e(r#"{{ genSelfSignedCert "x" "a" nil 1 }}"#).ends_with("can't handle \"a\" for arg of type []interface {}")
    );
}

#[test]
fn certificates_are_go_structs() {
    let src = r#"{{ $ca := genCA "x" 1 }}{{ typeOf $ca }} {{ kindOf $ca }} {{ printf "%T" $ca }} {{ empty $ca }} {{ if $ca }}true{{ end }}"#;
    assert_eq!(render(src).unwrap(), "sprig.certificate struct sprig.certificate false true");
    let out = render(r#"{{ $ca := genCA "x" 1 }}{{ printf "%v" $ca }}"#).unwrap();
    assert!(
        out.starts_with("{-----BEGIN CERTIFICATE-----\n") && out.contains("-----END CERTIFICATE-----\n -----BEGIN RSA"),
        "{out}"
    );
    assert!(out.ends_with("-----END RSA PRIVATE KEY-----\n}"), "{out}");
    let out = render(r#"{{ $ca := genCA "x" 1 }}{{ printf "%+v" $ca | trunc 6 }} {{ printf "%#v" $ca | trunc 24 }}"#)
        .unwrap();
    assert_eq!(out, "{Cert: sprig.certificate{Cert:\"");
    let out = render(r#"{{ $ca := genCA "x" 1 }}{{ toJson $ca | trunc 38 }} {{ toYaml $ca | trunc 40 }}"#).unwrap();
    assert_eq!(out, "{\"Cert\":\"-----BEGIN CERTIFICATE-----\\n Cert: |\n  -----BEGIN CERTIFICATE-----\n  ");
    let out = render(r#"{{ $ca := genCA "x" 1 }}{{ $ca | toJson | fromJson | keys | sortAlpha | join "," }}"#).unwrap();
    assert_eq!(out, "Cert,Key");
    let e = |src: &str| render(src).unwrap_err();
    assert!(
        e(r#"{{ $ca := genCA "x" 1 }}{{ $ca.Nope }}"#).ends_with("can't evaluate field Nope in type sprig.certificate")
    );
    assert!(
        e(r#"{{ $ca := genCA "x" 1 }}{{ index $ca "Cert" }}"#).ends_with("can't index item of type sprig.certificate")
    );
    // The CA argument is typed, as in Go.
    assert!(
        e(r#"{{ genSignedCert "x" nil nil 1 (dict "Cert" "a" "Key" "b") }}"#)
            .ends_with("wrong type for value; expected sprig.certificate; got map[string]interface {}")
    );
    assert!(e(r#"{{ genSignedCert "x" nil nil 1 nil }}"#).ends_with("cannot assign nil to sprig.certificate"));
    assert!(
        e(r#"{{ genSignedCert "x" nil nil 1 "ca" }}"#)
            .ends_with("can't handle \"ca\" for arg of type sprig.certificate")
    );
}

#[test]
fn private_keys_in_sprig_pem_types() {
    let rsa = render(r#"{{ genPrivateKey "rsa" }}"#).unwrap();
    assert!(rsa.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"), "{rsa}");
    let Key::Rsa(k) = parse_private_key_pem(&rsa).unwrap() else { panic!() };
    assert_eq!(rsa::traits::PublicKeyParts::size(k.as_ref()), 512, "sprig's genPrivateKey RSA keys are 4096 bits");
    let ec = render(r#"{{ genPrivateKey "ecdsa" }}"#).unwrap();
    assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{ec}");
    let (_, der) = pem_decode(&ec).unwrap();
    // SEC1 with the curve and the public key, as Go's MarshalECPrivateKey.
    assert_eq!(der.len(), 121);
    assert!(matches!(parse_private_key_pem(&ec), Ok(Key::Ec(_))));
    assert_eq!(pem_for_key(&parse_private_key_pem(&ec).unwrap()).unwrap(), ec, "re-encodes to the same text");
    let ed = render(r#"{{ genPrivateKey "ed25519" }}"#).unwrap();
    assert!(ed.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{ed}");
    let (_, der) = pem_decode(&ed).unwrap();
    assert_eq!(der.len(), 48, "PKCS#8 v1 without the public key, as Go's MarshalPKCS8PrivateKey");
    assert!(PrivateKeyInfoRef::try_from(der.as_slice()).is_ok());
    assert!(matches!(parse_private_key_pem(&ed), Ok(Key::Ed(_))));
    assert_eq!(render(r#"{{ genPrivateKey "bad" }}"#).unwrap(), "Unknown type bad");
    let dsa = render(r#"{{ genPrivateKey "dsa" }}"#).unwrap_err();
    assert!(dsa.ends_with(r#"genPrivateKey "dsa" is not supported by paved's template engine (no crate generates DSA keys in reasonable time)"#), "{dsa}");
    // PKCS#8 RSA and EC keys are read too.
    let Key::Ec(k) = parse_private_key_pem(&ec).unwrap() else { panic!() };
    let pkcs8 = rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&k).unwrap();
    assert!(matches!(parse_private_key_pem(&pem_encode("PRIVATE KEY", pkcs8.as_bytes())), Ok(Key::Ec(_))));
    assert_eq!(parse_private_key_pem("x").err().unwrap(), "no PEM data in input");
    assert_eq!(
        parse_private_key_pem(&pem_encode("PUBLIC KEY", b"x")).err().unwrap(),
        "no private key data in PEM block of type PUBLIC KEY"
    );
    assert_eq!(
        parse_private_key_pem(&pem_encode("X PRIVATE KEY", b"x")).err().unwrap(),
        "invalid private key type X PRIVATE KEY"
    );
}

#[test]
fn with_key_variants_certify_the_given_key() {
    let src = r#"{{- $ec := genPrivateKey "ecdsa" }}{{ $ed := genPrivateKey "ed25519" -}}
{{- $ca := genCAWithKey "ec-ca" 10 $ec }}{{ $leaf := genSignedCertWithKey "leaf" nil (list "leaf") 5 $ca $ed -}}
{{- $self := genSelfSignedCertWithKey "self" nil nil 2 $ed -}}
{{ $ec }}|{{ $ed }}|{{ $ca.Cert }}|{{ $ca.Key }}|{{ $leaf.Cert }}|{{ $leaf.Key }}|{{ $self.Cert }}"#;
    let out = render(src).unwrap();
    let p: Vec<&str> = out.split('|').collect();
    assert_eq!(p[3], p[0], "the CA's key is the given key, re-encoded as Go does");
    assert_eq!(p[5], p[1]);
    let (ca, leaf, me) = (parse_cert(p[2]), parse_cert(p[4]), parse_cert(p[6]));
    assert_eq!(ca.signature_algorithm().oid.to_string(), "1.2.840.10045.4.3.2", "ECDSA with SHA-256");
    assert_eq!(leaf.signature_algorithm().oid.to_string(), "1.2.840.10045.4.3.2");
    assert_eq!(leaf.tbs_certificate().subject_public_key_info().algorithm.oid, OID_ED25519);
    verify_signed_by(&leaf, &ca);
    assert_eq!(me.signature_algorithm().oid, OID_ED25519);
    let vk = ed25519_dalek::VerifyingKey::from_public_key_der(
        &me.tbs_certificate().subject_public_key_info().to_der().unwrap(),
    )
    .unwrap();
    let sig = ed25519_dalek::Signature::from_slice(me.signature().raw_bytes()).unwrap();
    vk.verify(&me.tbs_certificate().to_der().unwrap(), &sig).expect("Ed25519 signature verifies");

    let e = |src: &str| render(src).unwrap_err();
    assert!(
        e(r#"{{ genCAWithKey "x" 1 "junk" }}"#)
            .ends_with("error calling genCAWithKey: parsing private key: no PEM data in input")
    );
    let dsa = pem_encode("DSA PRIVATE KEY", &[0x30, 0x00]);
    assert!(
        e(&format!(r#"{{{{ genCAWithKey "x" 1 `{dsa}` }}}}"#))
            .ends_with("error creating certificate: x509: certificate private key does not implement crypto.Signer")
    );
    assert!(
        e(&format!(r#"{{{{ genSignedCertWithKey "x" nil nil 1 (genCA "ca" 1) `{dsa}` }}}}"#))
            .ends_with("error creating certificate: x509: unsupported public key type: *dsa.PublicKey")
    );
    // A CA whose key is not its certificate's.
    let src = r#"{{ $a := genCA "a" 1 }}{{ $b := genCA "b" 1 }}{{ $ab := buildCustomCert ($a.Cert | b64enc) ($b.Key | b64enc) }}{{ genSignedCert "x" nil nil 1 $ab }}"#;
    assert!(e(src).ends_with("error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey"));
}

#[test]
fn build_custom_cert_checks_and_keeps_the_text() {
    let src = r#"{{ $ca := genCA "x" 1 }}{{ $c := buildCustomCert ($ca.Cert | b64enc) ($ca.Key | b64enc) }}{{ eq $c.Cert $ca.Cert }} {{ eq $c.Key $ca.Key }} {{ typeOf $c }}"#;
    assert_eq!(render(src).unwrap(), "true true sprig.certificate");
    let e = |src: &str| render(src).unwrap_err();
    assert!(
        e(r#"{{ buildCustomCert "%%%" "" }}"#)
            .ends_with("error calling buildCustomCert: unable to decode base64 certificate")
    );
    assert!(e(r#"{{ buildCustomCert "" "%%%" }}"#).ends_with("unable to decode base64 private key"));
    assert!(e(r#"{{ buildCustomCert ("fail" | b64enc) "" }}"#).ends_with("unable to decode certificate"));
    let src = r#"{{ $ca := genCA "x" 1 }}{{ buildCustomCert ($ca.Cert | b64enc) ("x" | b64enc) }}"#;
    assert!(e(src).ends_with("error parsing private key: no PEM data in input"));
    // The base64 may be wrapped (Go's decoder skips newlines).
    assert_eq!(b64_decode("YW\r\nJj\n").unwrap(), b"abc");
}

#[test]
fn derive_password_gives_sprigs_vectors() {
    // sprig's crypto_test.go TestDerivePassword.
    for (src, want) in [
        (r#"{{derivePassword 1 "long" "password" "user" "example.com"}}"#, "ZedaFaxcZaso9*"),
        (r#"{{derivePassword 2 "long" "password" "user" "example.com"}}"#, "Fovi2@JifpTupx"),
        (r#"{{derivePassword 1 "maximum" "password" "user" "example.com"}}"#, "pf4zS1LjCg&LjhsZ7T2~"),
        (r#"{{derivePassword 1 "medium" "password" "user" "example.com"}}"#, "ZedJuz8$"),
        (r#"{{derivePassword 1 "basic" "password" "user" "example.com"}}"#, "pIS54PLs"),
        (r#"{{derivePassword 1 "short" "password" "user" "example.com"}}"#, "Zed5"),
        (r#"{{derivePassword 1 "pin" "password" "user" "example.com"}}"#, "6685"),
    ] {
        assert_eq!(render(src).unwrap(), want, "{src}");
    }
    assert_eq!(render(r#"{{derivePassword 1 "nope" "p" "u" "s"}}"#).unwrap(), "cannot find password template nope");
    // The counter is a uint32, as in Go.
    let e = |src: &str| render(src).unwrap_err();
    assert!(e(r#"{{derivePassword -1 "pin" "p" "u" "s"}}"#).ends_with("expected unsigned integer; found -1"));
    assert!(
        e(r#"{{derivePassword .f "pin" "p" "u" "s"}}"#).ends_with("wrong type for value; expected uint32; got float64")
    );
    assert!(
        e(r#"{{derivePassword (int 1) "pin" "p" "u" "s"}}"#)
            .ends_with("wrong type for value; expected uint32; got int")
    );
}

#[test]
fn bcrypt_and_htpasswd() {
    let h = render(r#"{{ bcrypt "secret" }}"#).unwrap();
    assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
    assert!(::bcrypt::verify("secret", &h).unwrap());
    assert_ne!(render(r#"{{ bcrypt "secret" }}"#).unwrap(), h, "a random salt");
    let line = render(r#"{{ htpasswd "myUser" "myPassword" }}"#).unwrap();
    let (user, hash) = line.split_once(':').unwrap();
    assert_eq!(user, "myUser");
    assert!(::bcrypt::verify("myPassword", hash).unwrap());
    assert_eq!(render(r#"{{ htpasswd "wrongus:er" "x" }}"#).unwrap(), "invalid username: wrongus:er");
    let long = "x".repeat(73);
    assert_eq!(
        render(&format!(r#"{{{{ bcrypt "{long}" }}}}"#)).unwrap(),
        "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
    );
    assert!(render(&format!(r#"{{{{ bcrypt "{}" }}}}"#, &long[1..])).unwrap().starts_with("$2a$10$"));
}

#[test]
fn aes_round_trips_and_matches_nist() {
    // NIST SP 800-38A, F.2.5 CBC-AES256.Encrypt.
    let hex =
        |s: &str| (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect::<Vec<_>>();
    let key: [u8; 32] = hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4").try_into().unwrap();
    let iv: [u8; 16] = hex("000102030405060708090a0b0c0d0e0f").try_into().unwrap();
    let plain = hex(
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
    );
    let cipher = hex(
        "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
    );
    assert_eq!(cbc_encrypt(&key, iv, &plain), cipher);
    assert_eq!(cbc_decrypt(&key, iv, &cipher), plain);

    for text in ["a", "plaintext", "exactly16bytes!!", "seventeen bytes!!", "h\u{e9}llo w\u{f6}rld, a longer text"] {
        let src = format!(r#"{{{{ encryptAES "secretkey" "{text}" }}}}"#);
        let enc = render(&src).unwrap();
        let raw = base64::engine::general_purpose::STANDARD.decode(&enc).unwrap();
        assert_eq!(raw.len(), 16 + (text.len() / 16 + 1) * 16, "IV, then PKCS#7-padded blocks");
        let src = format!(r#"{{{{ "{enc}" | decryptAES "secretkey" }}}}"#);
        assert_eq!(render(&src).unwrap(), text);
    }
    assert_eq!(render(r#"{{ "plaintext" | encryptAES "secretkey" | decryptAES "secretkey" }}"#).unwrap(), "plaintext");
    // A key longer than 32 bytes is cut.
    let src = format!(r#"{{{{ "x" | encryptAES "{0}a" | decryptAES "{0}b" }}}}"#, "k".repeat(32));
    assert_eq!(render(&src).unwrap(), "x");
    assert_eq!(render(r#"{{ encryptAES "k" "" }}|{{ decryptAES "k" "" }}"#).unwrap(), "|");
    let e = |src: &str| render(src).unwrap_err();
    assert!(
        e(r#"{{ decryptAES "k" "YWJj" }}"#)
            .ends_with("error calling decryptAES: runtime error: slice bounds out of range [:16] with capacity 3")
    );
    assert!(
        e(r#"{{ decryptAES "k" ("12345678901234567890" | b64enc) }}"#)
            .ends_with("crypto/cipher: input not full blocks")
    );
    assert!(
        e(r#"{{ decryptAES "k" ("1234567890123456" | b64enc) }}"#).ends_with("runtime error: index out of range [-1]")
    );
    assert!(e(r#"{{ decryptAES "k" "a%b=" }}"#).ends_with("illegal base64 data at input byte 1"));
}

#[test]
fn rand_bytes_are_base64_of_n_random_bytes() {
    let a = render("{{ randBytes 24 }}").unwrap();
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(&a).unwrap().len(), 24);
    assert_ne!(render("{{ randBytes 24 }}").unwrap(), a);
    assert_eq!(render("{{ randBytes 0 }}").unwrap(), "");
    assert!(
        render("{{ randBytes -1 }}")
            .unwrap_err()
            .ends_with("error calling randBytes: runtime error: makeslice: len out of range")
    );
}

#[test]
fn pem_blocks_read_like_gos() {
    let block = pem_encode("CERTIFICATE", &[1, 2, 3]);
    assert_eq!(block, "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n");
    assert_eq!(pem_decode(&format!("junk\n{block}")), Some(("CERTIFICATE".into(), vec![1, 2, 3])));
    assert_eq!(
        pem_decode("-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\n\nAQID\n-----END X-----\n").unwrap().1,
        [1, 2, 3]
    );
    assert_eq!(pem_decode("-----BEGIN X-----\nAQID\n-----END Y-----\n"), None);
    assert_eq!(pem_decode("x -----BEGIN X-----\nAQID\n-----END X-----\n"), None, "a block starts a line");
    // A broken block is skipped for the next one.
    let two = format!("-----BEGIN A-----\n!!!\n-----END A-----\n{}", pem_encode("B", &[9]));
    assert_eq!(pem_decode(&two), Some(("B".into(), vec![9])));
}

#[test]
fn slow_functions_are_bounded() {
    let limits = crate::helm::template::Limits { max_crypto_work: 40, ..Default::default() };
    let mut e = crate::helm::template::Engine::new(limits);
    e.parse("t", r#"{{ range until 10 }}{{ $ca := genCA "x" 1 }}{{ end }}"#).unwrap();
    let err = e.render("t", &Value::Nil).unwrap_err();
    assert_eq!(err.kind, crate::helm::template::ErrorKind::Limit);
    assert!(
        err.message.ends_with(
            "error calling genCA: key generations and password hashes exceed the engine's limit of 40 work units"
        ),
        "{err}"
    );
    // Cheap calls count too, so no loop of them is unbounded.
    e.parse("u", r#"{{ range until 41 }}{{ $k := genPrivateKey "ed25519" }}{{ end }}"#).unwrap();
    assert_eq!(e.render("u", &Value::Nil).unwrap_err().kind, crate::helm::template::ErrorKind::Limit);
    e.parse("v", r#"{{ range until 40 }}{{ $k := genPrivateKey "ed25519" }}{{ end }}ok"#).unwrap();
    assert_eq!(e.render("v", &Value::Nil).unwrap(), "ok");
}

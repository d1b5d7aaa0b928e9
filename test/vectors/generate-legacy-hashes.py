#!/usr/bin/env python3
"""Write legacy-hashes.json: known-answer vectors for the stored hash
schemes that passgate verifies, made by the tools that real systems use.

Oracles: Dovecot's `doveadm pw` (every Dovecot scheme), OpenSSL's
`openssl passwd`, the C library's crypt(3) through Python, libsodium's
crypto_pwhash_str through ctypes, and the argon2 npm package (the
reference argon2 code) for hashes with more than one lane, as PHP's
password_hash writes them. Run from the repository root with Node 24 on
PATH; the output replaces the old file.
"""
import base64
import crypt
import ctypes
import json
import subprocess
import sys

PASSWORDS = [
    b"secret",
    b"correct horse battery staple",
    "caf\u00e9".encode(),  # é as one code point (NFC)
    "cafe\u0301".encode(),  # e followed by a combining accent (NFD)
    b"\xe9t\xe9",  # Latin-1 bytes, not valid UTF-8
    b"p" * 80,  # longer than every digest
]
ARGON2_PASSWORDS = [PASSWORDS[0], PASSWORDS[2], PASSWORDS[4]]


def run(*argv: str | bytes) -> str:
    return subprocess.run(argv, check=True, capture_output=True).stdout.decode().strip()


def doveadm(scheme: str, password: bytes) -> str:
    return run("doveadm", "pw", "-s", scheme, "-p", password)


def openssl(flag: str, password: bytes) -> str:
    return run("openssl", "passwd", flag, password)


def libsodium_argon2id(password: bytes) -> str:
    sodium = ctypes.CDLL("libsodium.so.23")
    if sodium.sodium_init() < 0:
        sys.exit("libsodium failed to start")
    out = ctypes.create_string_buffer(128)
    opslimit = sodium.crypto_pwhash_opslimit_interactive()
    sodium.crypto_pwhash_memlimit_interactive.restype = ctypes.c_size_t
    memlimit = sodium.crypto_pwhash_memlimit_interactive()
    status = sodium.crypto_pwhash_str_alg(
        out,
        password,
        ctypes.c_ulonglong(len(password)),
        ctypes.c_ulonglong(opslimit),
        ctypes.c_size_t(memlimit),
        ctypes.c_int(2),  # crypto_pwhash_ALG_ARGON2ID13
    )
    if status != 0:
        sys.exit("crypto_pwhash_str_alg failed")
    return out.value.decode()


NODE_ARGON2 = """
const argon2 = require('argon2');
const [type, memory, time, parallelism, hex] = process.argv.slice(1);
argon2.hash(Buffer.from(hex, 'hex'), {
  type: type === 'argon2i' ? argon2.argon2i : argon2.argon2id,
  memoryCost: Number(memory), timeCost: Number(time),
  parallelism: Number(parallelism),
}).then((hash) => console.log(hash));
"""


def node_argon2(kind: str, costs: tuple[int, int, int], password: bytes) -> str:
    memory, time, parallelism = (str(cost) for cost in costs)
    return run("node", "-e", NODE_ARGON2, kind, memory, time, parallelism, password.hex())


def is_utf8(password: bytes) -> bool:
    try:
        password.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def make_vectors(password: bytes) -> list[tuple[str, str, str]]:
    schemes = [
        "SHA512-CRYPT", "SHA256-CRYPT", "BLF-CRYPT", "MD5-CRYPT",
        "SSHA512", "SSHA256", "SSHA", "CRYPT", "SSHA.HEX", "SSHA512.B64",
        "PLAIN.B64",
    ]
    # doveadm writes PLAIN as the raw bytes, which JSON cannot carry.
    if is_utf8(password):
        schemes += ["PLAIN", "CLEAR"]
    vectors = [
        (scheme, "doveadm pw", doveadm(scheme, password)) for scheme in schemes
    ]
    vectors += [
        ("SHA512-CRYPT", "openssl passwd -6", openssl("-6", password)),
        ("SHA256-CRYPT", "openssl passwd -5", openssl("-5", password)),
        ("MD5-CRYPT", "openssl passwd -1", openssl("-1", password)),
    ]
    for method, rounds, scheme in [
        (crypt.METHOD_SHA512, 1000, "SHA512-CRYPT"),
        (crypt.METHOD_SHA512, 12000, "SHA512-CRYPT"),
        (crypt.METHOD_SHA256, 7000, "SHA256-CRYPT"),
        (crypt.METHOD_BLOWFISH, 2**4, "BLF-CRYPT"),
    ]:
        # Python's crypt() takes str, so only ASCII passwords keep their bytes.
        if not password.isascii():
            continue
        salt = crypt.mksalt(method, rounds=rounds)
        text = password.decode("ascii")
        vectors.append((scheme, "crypt(3)", crypt.crypt(text, salt)))
    return vectors


def make_argon2_vectors(password: bytes) -> list[tuple[str, str, str]]:
    """Argon2 hashes cost 30 to 250 ms each to check, so fewer passwords get
    them: PHP's default costs (64 MiB, 4 passes, 1 lane), and small costs
    with 2, 4 and 8 lanes for the parallelism that PHP and node-argon2 allow."""
    vectors = [
        ("ARGON2I", "doveadm pw", doveadm("ARGON2I", password)),
        ("ARGON2ID", "doveadm pw", doveadm("ARGON2ID", password)),
        ("ARGON2ID", "libsodium crypto_pwhash_str", libsodium_argon2id(password)),
    ]
    for kind, scheme in [("argon2id", "ARGON2ID"), ("argon2i", "ARGON2I")]:
        for costs in [(65536, 4, 1), (1024, 1, 2), (1024, 1, 4), (1024, 1, 8)]:
            vectors.append(
                (scheme, "argon2 npm package", node_argon2(kind, costs, password))
            )
    return vectors


def main() -> None:
    rows = []
    for password in PASSWORDS:
        vectors = make_vectors(password)
        if password in ARGON2_PASSWORDS:
            vectors += make_argon2_vectors(password)
        for scheme, source, stored in vectors:
            rows.append({
                "scheme": scheme,
                "source": source,
                "passwordHex": password.hex(),
                "hash": stored,
            })
    with open("test/vectors/legacy-hashes.json", "w") as out:
        json.dump(rows, out, indent=1)
        out.write("\n")
    print(f"{len(rows)} vectors")


main()

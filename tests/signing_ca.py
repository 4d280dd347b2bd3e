"""A throw-away certificate authority for the signing tests (made with cryptography).

Certificates are made in the test, never read from the repository: one CA, and one end-entity
certificate per signer whose common name is the signer's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

_START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
_END = dt.datetime(2035, 1, 1, tzinfo=dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "masa-docs test CA"),
        ]
    )


@dataclass
class Issued:
    key_pem: Path
    cert_pem: Path
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    def pkcs12(self, path: Path, passphrase: bytes) -> Path:
        data = pkcs12.serialize_key_and_certificates(
            b"signer", self.key, self.cert, None, serialization.BestAvailableEncryption(passphrase)
        )
        path.write_bytes(data)
        return path


class TestCA:
    """A self-signed CA that issues signing certificates into ``folder``."""

    __test__ = False  # not a pytest test class

    def __init__(self, folder: Path, name: str = "masa-docs Test Root CA") -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_START)
            .not_valid_after(_END)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        self.cert_pem = folder / "ca.pem"
        self.cert_pem.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, common_name: str) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_START)
            .not_valid_after(_END)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        stem = "-".join(common_name.lower().split())
        key_pem = self.folder / f"{stem}.key.pem"
        cert_pem = self.folder / f"{stem}.cert.pem"
        key_pem.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return Issued(key_pem, cert_pem, key, cert)


class TimestampServer:
    """An RFC 3161 timestamp server on localhost (pyHanko's DummyTimeStamper behind http.server).

    Its RSA certificate is issued by ``ca`` for time stamping only. Use as a context manager;
    ``url`` is where to send requests.
    """

    def __init__(self, ca: TestCA) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import ExtendedKeyUsageOID

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name("masa-docs Test TSA"))
            .issuer_name(ca.cert.subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_START)
            .not_valid_after(_END)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(ca.key, hashes.SHA256())
        )
        self.requests = 0

    def __enter__(self) -> TimestampServer:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from asn1crypto import keys as akeys
        from asn1crypto import tsp
        from asn1crypto import x509 as ax509
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        stamper = DummyTimeStamper(
            tsa_cert=ax509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER)),
            tsa_key=akeys.PrivateKeyInfo.load(
                self.key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
        )
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(response)))
                self.end_headers()
                self.wfile.write(response)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

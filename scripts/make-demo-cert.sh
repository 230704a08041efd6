#!/usr/bin/env bash
# Regenerates the demo material of the embedded default (resources/demo/): a demo root CA, a demo signer
# PKCS#12 (password: demo1234, OpenSSL 3 default AES-256/PBKDF2), a seal image and a sample PDF.
# Demo only: the root is NOT trusted by anyone outside this app's demo mode.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/resources/demo"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > ext.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[demo_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[demo_signer]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out demo-root.pem -days 7300 -utf8 \
  -subj "/C=PE/O=Casilla Desktop DEMO/CN=Casilla Demo Raiz (NO CONFIABLE)" -extensions demo_ca -config ext.cnf
openssl req -newkey rsa:2048 -nodes -keyout signer.key -out signer.csr -utf8 -config ext.cnf \
  -subj "/C=PE/O=Municipalidad Demo/serialNumber=DNI 00000000/CN=USUARIO DEMO"
openssl x509 -req -in signer.csr -CA demo-root.pem -CAkey root.key -CAcreateserial -days 3650 \
  -extfile ext.cnf -extensions demo_signer -out signer.pem
openssl pkcs12 -export -inkey signer.key -in signer.pem -certfile demo-root.pem -name "Usuario Demo" \
  -passout pass:demo1234 -out demo-firmante.p12
# A round seal with transparency (8-bit RGBA PNG), drawn pixel by pixel with Node (no image tools needed).
node -e '
const zlib = require("node:zlib"); const fs = require("node:fs");
const S = 240, raw = Buffer.alloc((S * 4 + 1) * S);
for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
  const d = Math.hypot(x - S / 2 + 0.5, y - S / 2 + 0.5), a = Math.atan2(y - S / 2, x - S / 2);
  const star = d < 40 + 22 * Math.cos(5 * a);
  const on = (d > 100 && d < 114) || (d > 80 && d < 86) || star;
  const o = y * (S * 4 + 1) + 1 + x * 4;
  if (on) { raw[o] = 0x1a; raw[o + 1] = 0x4f; raw[o + 2] = 0x9c; raw[o + 3] = 230; }
}
const chunk = (t, d) => { const l = Buffer.alloc(4); l.writeUInt32BE(d.length); const td = Buffer.concat([Buffer.from(t), d]); const c = Buffer.alloc(4); c.writeUInt32BE(zlib.crc32(td)); return Buffer.concat([l, td, c]); };
const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(S, 0); ihdr.writeUInt32BE(S, 4); ihdr[8] = 8; ihdr[9] = 6;
fs.writeFileSync("sello.png", Buffer.concat([Buffer.from([0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a]), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]));
'
printf 'Documento de ejemplo de Casilla Desktop.\n\nFirme este archivo con el certificado de demostracion.\n' > texto.txt
printf '%%%%MediaBox 0 0 595 842\nBT /Helv 14 Tf 72 770 Td (Documento de ejemplo - Casilla Desktop) Tj ET\nBT /Helv 11 Tf 72 740 Td (Firme este archivo con el certificado de demostracion.) Tj ET\n%%%%Font Helv Helvetica\n' > page.txt
mutool create -o ejemplo.pdf page.txt
mkdir -p "$out"
cp demo-root.pem demo-firmante.p12 sello.png ejemplo.pdf "$out/"
echo "Material de demostración escrito en $out (contraseña del PKCS#12: demo1234)"

/**
 * Where the PKCS#11 modules of the common middlewares live on each system. The user may always name another
 * one; these are only the defaults offered and tried (in this order) when none is named.
 */
import fs from 'node:fs';

export type KnownModule = { name: string; path: string };

const LINUX: KnownModule[] = [
  { name: 'OpenSC (DNIe, tarjetas PIV y muchos tokens)', path: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so' },
  { name: 'OpenSC', path: '/usr/lib/opensc-pkcs11.so' },
  { name: 'OpenSC', path: '/usr/lib64/opensc-pkcs11.so' },
  { name: 'SafeNet eToken (SAC)', path: '/usr/lib/libeTPkcs11.so' },
  { name: 'Thales/SafeNet', path: '/usr/lib/libIDPrimePKCS11.so' },
  { name: 'Bit4id', path: '/usr/lib/bit4id/libbit4ipki.so' },
  { name: 'ePass2003 (Feitian)', path: '/usr/lib/libcastle.so.1.0.0' },
  { name: 'SoftHSM 2', path: '/usr/lib/softhsm/libsofthsm2.so' },
  { name: 'SoftHSM 2', path: '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so' },
];

const WINDOWS: KnownModule[] = [
  { name: 'OpenSC', path: 'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll' },
  { name: 'SafeNet eToken (SAC)', path: 'C:\\Windows\\System32\\eTPKCS11.dll' },
  { name: 'Thales IDPrime', path: 'C:\\Windows\\System32\\IDPrimePKCS11.dll' },
  { name: 'Bit4id', path: 'C:\\Windows\\System32\\bit4ipki.dll' },
  { name: 'ePass2003 (Feitian)', path: 'C:\\Windows\\System32\\eps2003csp11.dll' },
];

const MAC: KnownModule[] = [
  { name: 'OpenSC', path: '/Library/OpenSC/lib/opensc-pkcs11.so' },
  { name: 'SafeNet eToken (SAC)', path: '/usr/local/lib/libeTPkcs11.dylib' },
  { name: 'Thales IDPrime', path: '/Library/Frameworks/eToken.framework/Versions/A/libIDPrimePKCS11.dylib' },
  { name: 'Bit4id', path: '/Library/bit4id/pkcs11/libbit4xpki.dylib' },
];

export function knownModules(platform: NodeJS.Platform = process.platform): KnownModule[] {
  if (platform === 'win32') return WINDOWS;
  if (platform === 'darwin') return MAC;
  return LINUX;
}

/** The known modules present on this machine. */
export function installedModules(platform: NodeJS.Platform = process.platform): KnownModule[] {
  const seen = new Set<string>();
  return knownModules(platform).filter((m) => {
    let real: string;
    try {
      real = fs.realpathSync(m.path);
    } catch {
      return false;
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

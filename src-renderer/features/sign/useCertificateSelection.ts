import { useCallback, useEffect, useState } from 'react';
import type { CertificateChoice } from '../../../src-main/api/keys';
import type { MethodInput } from '../../../src-main/api/contract';
import type { ApiErrorData } from '../../../src-main/api/result';
import { call, pathForFile } from '../../api';
import { onCoreEvent } from './coreEvents';

export type PickedFile = { path: string; name: string };

/** What `sign.start` takes as `certificate`. */
export type CertificateForCall = MethodInput<'sign.start'>['certificate'];

export type CertificateSelection = {
  choice: CertificateChoice | null;
  /** A PKCS#12 file picked (or the demo certificate) when no choice of the picker is taken. */
  p12: PickedFile | null;
  password: string;
  /** Bumped when the list of remembered certificates changes, so the picker lists it again. */
  listVersion: number;
  /** Nothing to type: an unattended FirmaGob purpose. */
  noSecret: boolean;
  /** A certificate is chosen and its secret typed (or none is needed). */
  ready: boolean;
  select: (c: CertificateChoice | null) => void;
  pickP12: (file: File | undefined) => Promise<void>;
  chooseDemo: (demo: { path: string; password: string }) => void;
  setPassword: (p: string) => void;
  askSimulatorOtp: () => Promise<void>;
  /** Re-reads the picker's list (after remembering a certificate). */
  reload: () => void;
  forCall: () => CertificateForCall;
};

/**
 * The certificate part of Firmar and "Firmar y adjuntar": one picker choice, or a .p12 file, and the secret the
 * user types for it. Choosing another certificate clears the secret (consent is asked at every signature). The
 * picker is listed again when the core says the remembered certificates changed.
 */
export function useCertificateSelection(onError: (e: ApiErrorData) => void): CertificateSelection {
  const [choice, setChoice] = useState<CertificateChoice | null>(null);
  const [p12, setP12] = useState<PickedFile | null>(null);
  const [password, setPassword] = useState('');
  const [listVersion, setListVersion] = useState(0);

  const reload = useCallback(() => setListVersion((v) => v + 1), []);
  useEffect(
    () =>
      onCoreEvent((e) => {
        if (e.type === 'changed' && e.topic === 'certificates') reload();
      }),
    [reload],
  );

  const select = useCallback((c: CertificateChoice | null) => {
    setChoice(c);
    setPassword('');
  }, []);

  const pickP12 = useCallback(
    async (file: File | undefined) => {
      if (!file) return;
      const up = await pathForFile(file);
      if (!up.ok) return onError(up.error);
      setP12({ path: up.value.path, name: file.name });
      setChoice(null);
    },
    [onError],
  );

  const chooseDemo = useCallback((demo: { path: string; password: string }) => {
    setP12({ path: demo.path, name: 'demo-firmante.p12' });
    setChoice(null);
    setPassword(demo.password);
  }, []);

  const askSimulatorOtp = useCallback(async () => {
    const r = await call('sign.firmagob.simulatorOtp', {});
    if (!r.ok) return onError(r.error);
    setPassword(r.value.otp);
  }, [onError]);

  const noSecret = choice?.secretKind === 'none';
  const ready = (choice !== null || p12 !== null) && (password !== '' || noSecret);

  const forCall = useCallback((): CertificateForCall => {
    if (choice && 'firmagob' in choice.ref) return { firmagob: {}, ...(choice.secretKind === 'otp' ? { password } : {}) };
    if (choice && 'pkcs11' in choice.ref) return { pkcs11: choice.ref.pkcs11, password };
    if (choice && 'certificateId' in choice.ref) return { certificateId: choice.ref.certificateId, password };
    return { p12Path: p12?.path ?? '', password };
  }, [choice, p12, password]);

  return {
    choice,
    p12,
    password,
    listVersion,
    noSecret,
    ready,
    select,
    pickP12,
    chooseDemo,
    setPassword,
    askSimulatorOtp,
    reload,
    forCall,
  };
}

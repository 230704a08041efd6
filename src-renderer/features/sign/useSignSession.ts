import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { ApiErrorData } from '../../../src-main/api/result';
import type { CertificateInfo, SignFileResult } from '../../../src-main/api/sign';
import { call, cancel, newOpId, pathForFile, subscribe } from '../../api';
import { errorText, useI18n } from '../../i18n';
import { tsaUrlProblem } from './LongTermSection';
import {
  INITIAL_SESSION,
  displayedRect,
  levelReady,
  signOptionsForCall,
  signSessionReducer,
  type PickedPdf,
  type SignOptions,
  type StampRect,
} from './signSession';
import { useCertificateSelection } from './useCertificateSelection';

/**
 * The Firmar screen's container logic: the session reducer, the certificate, the calls to the core (upload,
 * inspect the certificate and the page, sign with progress, cancel, resume). The password goes to the core with
 * the call and is dropped after it (kept only while a cancelled batch may be resumed).
 */
export function useSignSession() {
  const { t } = useI18n();
  const [state, dispatch] = useReducer(signSessionReducer, INITIAL_SESSION);
  const setError = useCallback((e: ApiErrorData | null) => dispatch({ type: 'error', error: e ? errorText(t, e) : null }), [t]);
  const certificate = useCertificateSelection(setError);
  const [info, setInfo] = useState<CertificateInfo | null>(null);
  const [remember, setRemember] = useState(false);
  const pdfRequest = useRef(0);

  const addFiles = useCallback(
    async (list: File[]) => {
      const added: PickedPdf[] = [];
      for (const f of list) {
        const up = await pathForFile(f);
        if (up.ok) added.push({ file: f, path: up.value.path });
        else setError(up.error);
      }
      dispatch({ type: 'filesAdded', files: added });
    },
    [setError],
  );

  // The page of the first file as the core reads it (its size maps a profile's position from the top); a
  // slower answer for an earlier file or page is dropped by the reducer.
  const firstPath = state.files[0]?.path ?? null;
  const page = state.options.page;
  useEffect(() => {
    if (!firstPath) return;
    const requestId = ++pdfRequest.current;
    dispatch({ type: 'pdfRequested', requestId });
    void call('sign.inspectPdf', { path: firstPath, page }).then((r) =>
      dispatch({ type: 'pdfLoaded', requestId, info: r.ok ? r.value : null }),
    );
  }, [firstPath, page]);

  const setOptions = useCallback((patch: Partial<SignOptions>) => dispatch({ type: 'options', patch }), []);
  const place = useCallback((rect: StampRect) => dispatch({ type: 'placed', rect }), []);
  const onPages = useCallback((pages: number) => dispatch({ type: 'pages', pages }), []);

  const selectCertificate: typeof certificate.select = (c) => {
    certificate.select(c);
    setInfo(null);
  };
  const pickP12 = async (f: File | undefined) => {
    await certificate.pickP12(f);
    setInfo(null);
  };

  const inspect = async () => {
    const p12 = certificate.p12;
    if (!p12) return;
    const r = await call('sign.inspectCertificate', { p12Path: p12.path, password: certificate.password });
    if (!r.ok) {
      setInfo(null);
      return setError(r.error);
    }
    setError(null);
    setInfo(r.value);
    if (remember) {
      const a = await call('sign.certificates.add', { p12Path: p12.path, password: certificate.password, rememberPassword: true });
      if (a.ok) certificate.reload();
    }
  };

  const sign = async (resumeBatch?: string) => {
    const opId = newOpId();
    const total = state.files.length;
    dispatch({ type: 'signStarted', opId, total });
    const unsubscribe = subscribe((e) => {
      if (e.type === 'progress' && e.progress.opId === opId)
        dispatch({ type: 'signProgress', opId, fraction: e.progress.fraction ?? 0, total: Number(e.progress.values?.total ?? total) });
    });
    const r = await call(
      'sign.start',
      {
        files: state.files.map((f) => f.path),
        certificate: certificate.forCall(),
        options: signOptionsForCall(state.options),
        ...(resumeBatch ? { batchId: resumeBatch } : {}),
      },
      opId,
    );
    unsubscribe();
    if (!r.ok) {
      certificate.setPassword('');
      return dispatch({ type: 'signFailed', opId, error: errorText(t, r.error) });
    }
    dispatch({ type: 'signFinished', opId, results: r.value.results, cancelledBatch: r.value.cancelled ? r.value.batchId : null });
    // The password stays only while a cancelled batch may be resumed.
    if (!r.value.cancelled) certificate.setPassword('');
  };

  const o = state.options;
  const canSign = state.files.length > 0 && certificate.ready && state.run.progress === null && levelReady(o, tsaUrlProblem);
  const signedPaths = state.run.results.filter((r): r is Extract<SignFileResult, { ok: true }> => r.ok).map((r) => r.output);

  return {
    state,
    options: o,
    rect: displayedRect(o, state.pdf.info?.page.height ?? null),
    certificate: { ...certificate, select: selectCertificate, pickP12 },
    info,
    remember,
    setRemember,
    inspect,
    addFiles,
    setOptions,
    place,
    onPages,
    sign,
    cancel: () => state.run.opId && void cancel(state.run.opId),
    canSign,
    signedPaths,
  };
}

export type SignSession = ReturnType<typeof useSignSession>;

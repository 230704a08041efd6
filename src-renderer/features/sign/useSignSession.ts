import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { ApiErrorData } from '../../../src-main/api/result';
import type { CertificateInfo, PdfSigningInfo, SignFileResult } from '../../../src-main/api/sign';
import type { NotAppliedParam, SigningProfile } from '../../../src-main/api/sign-profiles';
import { call, cancel, newOpId, pathForFile } from '../../api';
import { useCoreQuery, useLatest } from '../../lib/useCoreQuery';
import { onCoreEvent } from './coreEvents';
import { errorText, useI18n } from '../../i18n';
import { tsaUrlProblem } from './LongTermSection';
import {
  INITIAL_SESSION,
  batchOverlaps,
  stampRectFor,
  displayedRect,
  levelReady,
  optionsToProfile,
  overlappedWidgets,
  profileToOptions,
  signOptionsForCall,
  signSessionReducer,
  type BatchPdf,
  type PickedPdf,
  type SignOptions,
  type StampImageChoice,
  type StampRect,
} from './signSession';
import { useCertificateSelection } from './useCertificateSelection';

const NO_PROFILES: SigningProfile[] = [];

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
  const [imported, setImported] = useState<{ name: string; notApplied: NotAppliedParam[] } | null>(null);
  const [profileSaved, setProfileSaved] = useState<string | null>(null);
  const [confirmingOverlap, setConfirmingOverlap] = useState(false);

  // The saved profiles, listed again when the core says they changed (here, another window or the CLI's core);
  // an older, slower answer never replaces a newer one.
  const profilesQuery = useCoreQuery('sign.profiles.list', {}, { refreshOn: ['signProfiles'] });
  const profiles = profilesQuery.data ?? NO_PROFILES;
  const loadProfiles = profilesQuery.reload;
  useEffect(() => {
    if (profilesQuery.error) setError(profilesQuery.error);
  }, [profilesQuery.error, setError]);

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

  // The other files of a batch, read at the same page: the stamp goes to the same place in each of them and may
  // cover a signature there that the first file's preview does not show. One file at a time; a newer file list or
  // page drops the answers of the older one.
  const latestBatch = useLatest();
  const restPaths = JSON.stringify(state.files.slice(1).map((f) => f.path));
  const [batchInfo, setBatchInfo] = useState<Record<string, PdfSigningInfo | null>>({});
  // Until the batch is read, the sign button waits: signing must not skip the question for a file not read yet.
  const [batchChecking, setBatchChecking] = useState(false);
  useEffect(() => {
    const paths = JSON.parse(restPaths) as string[];
    setBatchChecking(paths.length > 0);
    void latestBatch(async (signal) => {
      const read: Record<string, PdfSigningInfo | null> = {};
      for (const path of paths) {
        if (signal.aborted) break;
        const r = await call('sign.inspectPdf', { path, page });
        read[path] = r.ok ? r.value : null;
      }
      return read;
    }).then((read) => {
      if (!read) return; // a newer file list or page is being read
      setBatchInfo(read);
      setBatchChecking(false);
    });
  }, [restPaths, page, latestBatch]);

  const setOptions = useCallback((patch: Partial<SignOptions>) => dispatch({ type: 'options', patch }), []);
  const place = useCallback((rect: StampRect) => dispatch({ type: 'placed', rect }), []);
  const onPages = useCallback((pages: number) => dispatch({ type: 'pages', pages }), []);

  /** Checks an image with the core (PNG/JPEG, bounded) and returns what the stamp preview shows. */
  const checkImage = useCallback(
    async (path: string, name: string): Promise<StampImageChoice | null> => {
      const r = await call('sign.stampImage.check', { path });
      if (!r.ok) {
        setError(r.error);
        return null;
      }
      return { path, name, width: r.value.width, height: r.value.height, preview: r.value.preview };
    },
    [setError],
  );

  const pickImage = async (file: File | undefined) => {
    if (!file) return;
    const up = await pathForFile(file);
    if (!up.ok) return setError(up.error);
    const image = await checkImage(up.value.path, file.name);
    if (image) {
      setError(null);
      setOptions({ image });
    }
  };

  const applyProfile = async (id: string) => {
    setProfileSaved(null);
    const p = profiles.find((x) => x.id === id);
    if (!p) return dispatch({ type: 'profileApplied', profileId: null, options: {} });
    const image = p.imagePath ? await checkImage(p.imagePath, p.imagePath.split(/[\\/]/).pop() ?? '') : null;
    dispatch({ type: 'profileApplied', profileId: p.id, options: profileToOptions(p, image) });
  };

  const saveAsProfile = async (name: string) => {
    const existing = profiles.find((p) => p.name.toLowerCase() === name.trim().toLowerCase());
    const r = await call('sign.profiles.save', {
      ...(existing ? { id: existing.id } : {}),
      profile: optionsToProfile(state.options, name),
    });
    if (!r.ok) return setError(r.error);
    setError(null);
    setProfileSaved(r.value.name);
    await loadProfiles();
    dispatch({ type: 'profileApplied', profileId: r.value.id, options: state.options });
  };

  const importParams = async (file: File | undefined) => {
    if (!file) return;
    setImported(null);
    const up = await pathForFile(file);
    if (!up.ok) return setError(up.error);
    const r = await call('sign.profiles.import', { path: up.value.path, name: file.name.replace(/\.json$/i, '') });
    if (!r.ok) {
      // Which parameter is wrong, when the core names it (an unreadable file or bad JSON names none).
      const key = r.error.details?.['key'];
      const hint = typeof key === 'string' && key !== 'archivo' ? ` ${t('sign.profiles.badKey', { key })}` : '';
      return dispatch({ type: 'error', error: errorText(t, r.error) + hint });
    }
    setError(null);
    await loadProfiles();
    setImported({ name: r.value.profile.name, notApplied: r.value.notApplied });
    const image = r.value.profile.imagePath ? await checkImage(r.value.profile.imagePath, 'imagen') : null;
    dispatch({ type: 'profileApplied', profileId: r.value.profile.id, options: profileToOptions(r.value.profile, image) });
  };

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
    setConfirmingOverlap(false);
    const opId = newOpId();
    const total = state.files.length;
    dispatch({ type: 'signStarted', opId, total });
    const unsubscribe = onCoreEvent((e) => {
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
  const rect = displayedRect(o, state.pdf.info?.page.height ?? null);
  const pageInfo = state.pdf.info;
  // Also before any click: the default place the signer would take (and the widgets it covers when none is free).
  const stampRect = pageInfo && !o.invisible ? stampRectFor(o, pageInfo) : null;
  const overlaps = stampRect && pageInfo ? overlappedWidgets(pageInfo.signatureWidgets, pageInfo.page.number, stampRect) : [];
  const batch: BatchPdf[] = state.files.map((f, i) => ({ name: f.file.name, info: i === 0 ? pageInfo : (batchInfo[f.path] ?? null) }));
  const fileOverlaps = batchOverlaps(batch, o);
  const canSign =
    state.files.length > 0 && !batchChecking && certificate.ready && state.run.progress === null && levelReady(o, tsaUrlProblem);
  const signedPaths = state.run.results.filter((r): r is Extract<SignFileResult, { ok: true }> => r.ok).map((r) => r.output);

  return {
    state,
    options: o,
    rect,
    /** Where the stamp goes when the user has not placed it (the signer's default place for this file). */
    defaultPlace: rect === null ? stampRect : null,
    /** Existing signature widgets on the page shown, and those the stamp would cover. */
    widgets: pageInfo ? pageInfo.signatureWidgets.filter((w) => w.page === pageInfo.page.number) : [],
    overlaps,
    /** Every file of the batch where the stamp covers an existing signature (the first one included). */
    fileOverlaps,
    confirmingOverlap,
    /** Signing over an existing signature, in any file of the batch, asks first. */
    requestSign: () => (fileOverlaps.length > 0 ? setConfirmingOverlap(true) : void sign()),
    cancelOverlap: () => setConfirmingOverlap(false),
    profiles,
    applyProfile,
    saveAsProfile,
    profileSaved,
    importParams,
    imported,
    pickImage,
    removeImage: () => setOptions({ image: null }),
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

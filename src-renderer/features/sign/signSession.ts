/**
 * The state of a Firmar session and every change to it, as one pure reducer (tested in
 * test/unit/sign-session.test.ts): the files, the options of the signature, the page information the core
 * reported for the first file, and the run (progress, results, a cancelled batch to resume). Answers that
 * arrive for an older request (another file, another page, another run) are ignored.
 */
import type { PdfSigningInfo, SignFileResult } from '../../../src-main/api/sign';
import type { SigningProfile, SigningProfileFields } from '../../../src-main/api/sign-profiles';
import {
  defaultRect,
  initialsOverlappedWidgets,
  overlappedWidgets,
  rectsIntersect,
  type PageRect,
  type SignatureWidget,
} from '../../../src-main/api/stamp-geometry';

export { overlappedWidgets, rectsIntersect, type SignatureWidget };
/** As LongTermSection has them (declared here too so this module stays free of JSX for its unit test). */
export type SignLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
export type StampStyle = 1 | 2 | 3 | 4;

export type StampRect = PageRect;
export type PickedPdf = { file: File; path: string };
export type StampImageChoice = { path: string; name: string; width: number; height: number; preview: string | null };

export type SignOptions = {
  role: 'firma' | 'visto-bueno';
  reason: string;
  cargo: string;
  place: string;
  invisible: boolean;
  everyPage: boolean;
  page: number | 'last';
  level: SignLevel;
  tsaUrl: string;
  style: StampStyle;
  /** In PDF points from the lower-left corner of the page as displayed; `rectFromTop`: y measured from the top. */
  rect: StampRect | null;
  rectFromTop: boolean;
  maxFontSize: number | null;
  wordWrap: number | null;
  image: StampImageChoice | null;
  certificateFilter: string;
  /** Stamp text, date style and zone of an imported Firma Perú profile (not edited here; kept when saved again). */
  template: string | null;
  dateStyle: 'slash' | 'dot' | null;
  timeZone: string | null;
};

export const INITIAL_OPTIONS: SignOptions = {
  role: 'firma',
  reason: '',
  cargo: '',
  place: '',
  invisible: false,
  everyPage: false,
  page: 'last',
  level: 'B-B',
  tsaUrl: '',
  style: 1,
  rect: null,
  rectFromTop: false,
  maxFontSize: null,
  wordWrap: null,
  image: null,
  certificateFilter: '',
  template: null,
  dateStyle: null,
  timeZone: null,
};

export type SignRun = {
  opId: string | null;
  progress: { done: number; total: number } | null;
  results: SignFileResult[];
  /** A cancelled batch keeps its id: signing again with it skips the files already signed. */
  cancelledBatch: string | null;
};

export type SignSessionState = {
  files: PickedPdf[];
  options: SignOptions;
  /** The saved profile whose values filled the options (the user may have changed them since). */
  profileId: string | null;
  pages: number;
  /** What the core says about the page of the first file (size, existing signature widgets). */
  pdf: { requestId: number; info: PdfSigningInfo | null };
  run: SignRun;
  error: string | null;
};

export const INITIAL_SESSION: SignSessionState = {
  files: [],
  options: INITIAL_OPTIONS,
  profileId: null,
  pages: 1,
  pdf: { requestId: 0, info: null },
  run: { opId: null, progress: null, results: [], cancelledBatch: null },
  error: null,
};

export type SignAction =
  | { type: 'filesAdded'; files: PickedPdf[] }
  | { type: 'options'; patch: Partial<SignOptions> }
  | { type: 'placed'; rect: StampRect }
  | { type: 'profileApplied'; profileId: string | null; options: Partial<SignOptions> }
  | { type: 'pages'; pages: number }
  | { type: 'pdfRequested'; requestId: number }
  | { type: 'pdfLoaded'; requestId: number; info: PdfSigningInfo | null }
  | { type: 'signStarted'; opId: string; total: number }
  | { type: 'signProgress'; opId: string; fraction: number; total: number }
  | { type: 'signFinished'; opId: string; results: SignFileResult[]; cancelledBatch: string | null }
  | { type: 'signFailed'; opId: string; error: string }
  | { type: 'error'; error: string | null };

export function signSessionReducer(state: SignSessionState, action: SignAction): SignSessionState {
  switch (action.type) {
    case 'filesAdded':
      return { ...state, files: [...state.files, ...action.files], run: { ...state.run, results: [] } };
    case 'options':
      return { ...state, options: { ...state.options, ...action.patch } };
    case 'placed':
      return { ...state, options: { ...state.options, rect: action.rect, rectFromTop: false } };
    case 'profileApplied':
      // A profile sets every option it knows; what it leaves unsaid goes back to the defaults, so two profiles
      // chosen one after the other never mix.
      return { ...state, profileId: action.profileId, options: { ...INITIAL_OPTIONS, ...action.options } };
    case 'pages':
      return { ...state, pages: action.pages };
    case 'pdfRequested':
      return { ...state, pdf: { requestId: action.requestId, info: state.pdf.info } };
    case 'pdfLoaded':
      if (action.requestId !== state.pdf.requestId) return state;
      return { ...state, pdf: { requestId: action.requestId, info: action.info } };
    case 'signStarted':
      return {
        ...state,
        error: null,
        run: { ...state.run, opId: action.opId, results: [], progress: { done: 0, total: action.total } },
      };
    case 'signProgress':
      if (action.opId !== state.run.opId) return state;
      return {
        ...state,
        run: { ...state.run, progress: { done: Math.round(action.fraction * action.total * 100) / 100, total: action.total } },
      };
    case 'signFinished':
      if (action.opId !== state.run.opId) return state;
      return { ...state, run: { opId: null, progress: null, results: action.results, cancelledBatch: action.cancelledBatch } };
    case 'signFailed':
      if (action.opId !== state.run.opId) return state;
      return { ...state, error: action.error, run: { ...state.run, opId: null, progress: null } };
    case 'error':
      return { ...state, error: action.error };
  }
}

/** The stamp rectangle from the lower-left corner, once the page height is known (a profile may give it from the top). */
export function displayedRect(o: SignOptions, pageHeight: number | null): StampRect | null {
  if (!o.rect) return null;
  if (!o.rectFromTop) return o.rect;
  if (pageHeight === null) return null;
  const [x, y, w, h] = o.rect;
  return [x, pageHeight - y - h, w, h];
}

/** A file of the batch as the core read it at the chosen page (`info` null: not read yet, or unreadable). */
export type BatchPdf = { name: string; info: PdfSigningInfo | null };
/**
 * A file of the batch where the stamp (on `page`) would cover existing signature widgets (`widgets`), or a V°B°'s
 * initials would on other pages (`initials`, each widget with its page).
 */
export type FileOverlap = { name: string; page: number; widgets: SignatureWidget[]; initials: SignatureWidget[] };

/** The signer puts the V°B°'s initials on every page but the stamp's (api/stamp-geometry `initialsRect`). */
export const drawsInitials = (o: SignOptions): boolean => o.role === 'visto-bueno' && o.everyPage && !o.invisible;

/**
 * Where the signer puts the stamp in a file read as `info`: the place chosen, or (none chosen) the default place it
 * picks clear of the signature widgets already on that page (api/stamp-geometry `defaultRect`, the same inputs).
 */
export function stampRectFor(o: SignOptions, info: PdfSigningInfo): StampRect | null {
  if (o.rect) return displayedRect(o, info.page.height);
  const onPage = info.signatureWidgets.filter((w) => w.page === info.page.number).map((w) => w.rect);
  const existing = info.signatureFields.filter((f) => f.signed).length;
  return defaultRect([info.page.width, info.page.height], o.role, existing, o.style, onPage);
}

/**
 * Every file of the batch whose chosen page already has a signature widget under the stamp, or (a V°B° on every
 * page) whose other pages have one under the initials. Each file is measured on its own page, as the signer places
 * the stamp there: "last" is another page number in each file, a position given from the top lands at another
 * height on a page of another size, and a stamp not placed goes to the default place free in that file (so only a
 * page with no free place left is reported).
 */
export function batchOverlaps(files: readonly BatchPdf[], o: SignOptions): FileOverlap[] {
  if (o.invisible) return [];
  const out: FileOverlap[] = [];
  for (const f of files) {
    if (!f.info) continue;
    const rect = stampRectFor(o, f.info);
    const widgets = rect ? overlappedWidgets(f.info.signatureWidgets, f.info.page.number, rect) : [];
    const initials = drawsInitials(o) ? initialsOverlappedWidgets(f.info.signatureWidgets, f.info.page.number) : [];
    if (widgets.length > 0 || initials.length > 0) out.push({ name: f.name, page: f.info.page.number, widgets, initials });
  }
  return out;
}

/** Ready to sign: files, a TSA when the level needs one, and nothing running. */
export function levelReady(o: SignOptions, tsaProblem: (url: string) => string | null): boolean {
  return o.level === 'B-B' || (o.tsaUrl !== '' && tsaProblem(o.tsaUrl) === null);
}

/** LongTermSection's value for a saved TSA profile (`perfil:<id>`) instead of a typed address. */
export const TSA_PROFILE_PREFIX = 'perfil:';

type TsaRequest = { tsaProfile: string } | { tsa: { url: string } };
const tsaRequest = (value: string): TsaRequest =>
  value.startsWith(TSA_PROFILE_PREFIX) ? { tsaProfile: value.slice(TSA_PROFILE_PREFIX.length) } : { tsa: { url: value } };

/** The `options` of `sign.start` for these choices. */
export function signOptionsForCall(o: SignOptions) {
  const rect = o.invisible ? null : o.rect;
  return {
    role: o.role,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.cargo ? { roleTitle: o.cargo } : {}),
    ...(o.place ? { location: o.place } : {}),
    ...(o.certificateFilter ? { certificateFilter: o.certificateFilter } : {}),
    stamp: {
      invisible: o.invisible,
      page: o.page,
      everyPage: o.role === 'visto-bueno' && o.everyPage,
      ...(rect ? { rect, ...(o.rectFromTop ? { fromTop: true } : {}) } : {}),
      ...(o.style !== 1 ? { style: o.style } : {}),
      ...(o.image ? { imagePath: o.image.path } : {}),
      ...(o.maxFontSize !== null ? { maxFontSize: o.maxFontSize } : {}),
      ...(o.wordWrap !== null ? { wordWrap: o.wordWrap } : {}),
      ...(o.template !== null ? { template: o.template } : {}),
      ...(o.dateStyle !== null ? { dateStyle: o.dateStyle } : {}),
      ...(o.timeZone !== null ? { timeZone: o.timeZone } : {}),
    },
    level: o.level,
    ...(o.level !== 'B-B' ? tsaRequest(o.tsaUrl) : {}),
  };
}

/**
 * The options a saved profile sets (everything else back to the defaults). Its image comes separately, once the
 * core has checked it (`sign.stampImage.check`), as `image`.
 */
export function profileToOptions(p: SigningProfile, image: StampImageChoice | null = null): Partial<SignOptions> {
  return {
    role: p.role,
    reason: p.reason ?? '',
    cargo: p.roleTitle ?? '',
    place: p.location ?? '',
    invisible: p.style === 0,
    everyPage: p.everyPage,
    page: p.page,
    level: p.level,
    tsaUrl: p.tsaProfile ? TSA_PROFILE_PREFIX + p.tsaProfile : (p.tsaUrl ?? ''),
    style: p.style === 0 ? 1 : p.style,
    rect: p.rect ?? null,
    rectFromTop: Boolean(p.rect && p.fromTop),
    maxFontSize: p.maxFontSize ?? null,
    wordWrap: p.wordWrap ?? null,
    image,
    certificateFilter: p.certificateFilter ?? '',
    template: p.template ?? null,
    dateStyle: p.dateStyle ?? null,
    timeZone: p.timeZone ?? null,
  };
}

/** The current options as a profile to save under `name` ("guardar como perfil"). */
export function optionsToProfile(o: SignOptions, name: string): SigningProfileFields {
  const p: SigningProfileFields = {
    name: name.trim(),
    role: o.role,
    level: o.level,
    style: o.invisible ? 0 : o.style,
    page: o.page,
    everyPage: o.role === 'visto-bueno' && o.everyPage,
  };
  if (o.reason) p.reason = o.reason;
  if (o.cargo) p.roleTitle = o.cargo;
  if (o.place) p.location = o.place;
  if (o.level !== 'B-B' && o.tsaUrl) {
    if (o.tsaUrl.startsWith(TSA_PROFILE_PREFIX)) p.tsaProfile = o.tsaUrl.slice(TSA_PROFILE_PREFIX.length);
    else p.tsaUrl = o.tsaUrl;
  }
  if (o.rect && !o.invisible) {
    p.rect = o.rect;
    if (o.rectFromTop) p.fromTop = true;
  }
  if (o.maxFontSize !== null) p.maxFontSize = o.maxFontSize;
  if (o.wordWrap !== null) p.wordWrap = o.wordWrap;
  if (o.image) p.imagePath = o.image.path;
  if (o.certificateFilter) p.certificateFilter = o.certificateFilter;
  if (o.template !== null) p.template = o.template;
  if (o.dateStyle !== null) p.dateStyle = o.dateStyle;
  if (o.timeZone !== null) p.timeZone = o.timeZone;
  return p;
}

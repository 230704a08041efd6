/**
 * Official holidays kept as data, with where each list comes from. A year listed here is authoritative for the
 * deadline calculator; a year not listed falls back to the `date-holidays` package (its "public" holidays), and
 * says so (`source: 'date-holidays'`). To update: add the year from the official publication (Chile: the
 * holiday laws as published by the Gobierno de Chile; Peru: D. Leg. 713 and its amendments, plus each year's
 * decrees of public-sector non-working days in El Peruano), then run `test/unit/compose-calendar.test.ts`, which
 * prints and checks every difference with date-holidays.
 *
 * Differences with date-holidays 3.x for 2026, checked on 2026-11-30 (see the test):
 * - Chile: date-holidays lists Easter Sunday ("Pascua", 5 April), which is not a legal holiday, and omits Holy
 *   Saturday (4 April), which is (Ley 2.977). Both fall on a weekend, so business days are unaffected.
 * - Peru: date-holidays lists Easter Sunday (not an official holiday; a Sunday). It does not know the public
 *   sector's non-working days decreed each year (2 January 2026, D.S. 042-2025-PCM), which count for the
 *   administration's deadlines; they are kept here under `publicSectorNonWorking`.
 */
export type HolidayList = {
  source: string;
  checkedAt: string;
  holidays: readonly { date: string; name: string }[];
  /** Peru: "días no laborables" for the public sector (compensable), decreed year by year. */
  publicSectorNonWorking?: readonly { date: string; name: string }[];
};

export const OFFICIAL_HOLIDAYS: Record<'CL' | 'PE', Record<number, HolidayList>> = {
  CL: {
    2026: {
      source:
        'Feriados legales de Chile 2026 según el calendario oficial del Gobierno de Chile (Ley 2.977 y leyes de cada feriado), contrastado con la prensa (CNN Chile, El Mostrador, 1-8 enero 2026)',
      checkedAt: '2026-11-30',
      holidays: [
        { date: '2026-01-01', name: 'Año Nuevo' },
        { date: '2026-04-03', name: 'Viernes Santo' },
        { date: '2026-04-04', name: 'Sábado Santo' },
        { date: '2026-05-01', name: 'Día Nacional del Trabajo' },
        { date: '2026-05-21', name: 'Día de las Glorias Navales' },
        { date: '2026-06-21', name: 'Día Nacional de los Pueblos Indígenas' },
        { date: '2026-06-29', name: 'San Pedro y San Pablo' },
        { date: '2026-07-16', name: 'Día de la Virgen del Carmen' },
        { date: '2026-08-15', name: 'Asunción de la Virgen' },
        { date: '2026-09-18', name: 'Independencia Nacional' },
        { date: '2026-09-19', name: 'Día de las Glorias del Ejército' },
        { date: '2026-10-12', name: 'Encuentro de Dos Mundos' },
        { date: '2026-10-31', name: 'Día de las Iglesias Evangélicas y Protestantes' },
        { date: '2026-11-01', name: 'Día de Todos los Santos' },
        { date: '2026-12-08', name: 'Inmaculada Concepción' },
        { date: '2026-12-25', name: 'Navidad' },
      ],
    },
  },
  PE: {
    2026: {
      source:
        'Feriados nacionales del Perú 2026 (D. Leg. 713 y modificatorias, incl. Ley 31788 de 2022), contrastado con la prensa (Diario Correo, Latina, 26-27 diciembre 2025); día no laborable del sector público: D.S. 042-2025-PCM',
      checkedAt: '2026-11-30',
      holidays: [
        { date: '2026-01-01', name: 'Año Nuevo' },
        { date: '2026-04-02', name: 'Jueves Santo' },
        { date: '2026-04-03', name: 'Viernes Santo' },
        { date: '2026-05-01', name: 'Día del Trabajo' },
        { date: '2026-06-07', name: 'Batalla de Arica y Día de la Bandera' },
        { date: '2026-06-29', name: 'San Pedro y San Pablo' },
        { date: '2026-07-23', name: 'Día de la Fuerza Aérea del Perú' },
        { date: '2026-07-28', name: 'Fiestas Patrias' },
        { date: '2026-07-29', name: 'Fiestas Patrias' },
        { date: '2026-08-06', name: 'Batalla de Junín' },
        { date: '2026-08-30', name: 'Santa Rosa de Lima' },
        { date: '2026-10-08', name: 'Combate de Angamos' },
        { date: '2026-11-01', name: 'Día de Todos los Santos' },
        { date: '2026-12-08', name: 'Inmaculada Concepción' },
        { date: '2026-12-09', name: 'Batalla de Ayacucho' },
        { date: '2026-12-25', name: 'Navidad' },
      ],
      publicSectorNonWorking: [{ date: '2026-01-02', name: 'Día no laborable compensable (D.S. 042-2025-PCM)' }],
    },
  },
};

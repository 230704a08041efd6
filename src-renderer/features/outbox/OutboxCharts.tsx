import type { OutboxStats } from '../../../src-main/api/outbox';
import { useI18n } from '../../i18n';
import { dduText } from './ddu-text';

/** Three small bar charts drawn as SVG: messages per day, by state, recipients by DDU type. */
export function OutboxCharts({ stats }: { stats: OutboxStats }) {
  const { t } = useI18n();
  if (stats.total === 0) return null;
  const byState = Object.entries(stats.byState).map(([k, v]) => ({ label: t(`outbox.states.${k}`), value: v ?? 0 }));
  const byDdu = Object.entries(stats.byDduType).map(([k, v]) => ({ label: dduText(t, k), value: v }));
  const perDay = stats.perDay.map((d) => ({ label: d.day.slice(5), value: d.count }));
  return (
    <div className="charts" data-testid="outbox-charts">
      <BarChart title={t('outbox.chartPerDay')} data={perDay} />
      <BarChart title={t('outbox.chartByState')} data={byState} />
      <BarChart title={t('outbox.chartByDdu')} data={byDdu} />
    </div>
  );
}

function BarChart({ title, data }: { title: string; data: { label: string; value: number }[] }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const w = 260;
  const barH = 16;
  const h = data.length * (barH + 6) + 4;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg width={w} height={h} role="img" aria-label={`${title}: ${data.map((d) => `${d.label} ${d.value}`).join(', ')}`}>
        {data.map((d, i) => (
          <g key={d.label} transform={`translate(0, ${i * (barH + 6)})`}>
            <text x={0} y={barH - 4} fontSize={11}>
              {d.label}
            </text>
            <rect x={110} y={0} height={barH} width={Math.max(2, ((w - 150) * d.value) / max)} fill="#8a1538" rx={2} />
            <text x={114 + ((w - 150) * d.value) / max} y={barH - 4} fontSize={11}>
              {d.value}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

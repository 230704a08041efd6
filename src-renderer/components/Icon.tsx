/**
 * The app's icons: SVG from lucide-react, bundled (no emoji font needed, no network). An icon that carries
 * meaning gets a `label` (read by screen readers, shown as a tooltip); without one it is decorative and hidden
 * from assistive technology.
 */
import { Check, CircleCheck, CircleX, Link, List, Paperclip, X, type LucideIcon } from 'lucide-react';

const icons = {
  ok: CircleCheck,
  failed: CircleX,
  allowed: Check,
  disallowed: X,
  link: Link,
  list: List,
  attachment: Paperclip,
} satisfies Record<string, LucideIcon>;

export type IconName = keyof typeof icons;

export function Icon({ name, label, size = 16 }: { name: IconName; label?: string | undefined; size?: number }) {
  const Svg = icons[name];
  const className = `icon icon-${name}`;
  if (label)
    return (
      <Svg className={className} size={size} role="img" aria-label={label} aria-hidden={false} focusable="false">
        <title>{label}</title>
      </Svg>
    );
  return <Svg className={className} size={size} aria-hidden="true" focusable="false" />;
}

import { useState, type ReactNode } from 'react';

/**
 * Renders only the rows in view (plus a few), so a list of 100,000 messages stays smooth; asks for the next page
 * when the end comes near. Rows have a fixed height.
 */
export function VirtualList<T extends { id: string }>(props: {
  items: T[];
  rowHeight: number;
  height: number;
  label: string;
  render: (item: T) => ReactNode;
  onEndReached?: () => void;
}) {
  const { items, rowHeight, height, render, onEndReached, label } = props;
  const [scrollTop, setScrollTop] = useState(0);
  const overscan = 6;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return (
    <div
      className="virtual-list"
      style={{ height, overflowY: 'auto' }}
      role="list"
      aria-label={label}
      tabIndex={0}
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        setScrollTop(top);
        if (onEndReached && top + height > items.length * rowHeight - rowHeight * 20) onEndReached();
      }}
    >
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>
        {items.slice(first, last).map((item, i) => (
          <div
            key={item.id}
            role="listitem"
            style={{ position: 'absolute', top: (first + i) * rowHeight, height: rowHeight, left: 0, right: 0 }}
          >
            {render(item)}
          </div>
        ))}
      </div>
    </div>
  );
}

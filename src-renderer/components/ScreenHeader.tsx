export function ScreenHeader({ title, intro }: { title: string; intro?: string }) {
  return (
    <header className="screen-header">
      <h2 id="screen-title">{title}</h2>
      {intro && <p className="intro">{intro}</p>}
    </header>
  );
}

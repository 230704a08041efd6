import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useI18n } from '../i18n';

type Props = { children: ReactNode };
type State = { error: Error | null };

/**
 * A screen that cannot be drawn (an answer it does not expect, a defect) says so in the user's language instead of
 * leaving a blank window: the menu and the other screens keep working, and "Volver a intentar" draws it again.
 * Nothing the user saved is touched; what was typed on that screen and not yet autosaved is lost with it, and
 * the message says so. The error itself goes to the console and under "Detalles técnicos".
 */
export class ScreenErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Casilla: screen error', error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return <ScreenError error={this.state.error} onRetry={() => this.setState({ error: null })} />;
  }
}

function ScreenError({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <div role="alert" className="alert alert-error" data-testid="screen-error">
      <p>{t('app.screenError')}</p>
      <p>
        <button type="button" onClick={onRetry} data-testid="screen-error-retry">
          {t('app.retry')}
        </button>
      </p>
      <details>
        <summary>{t('app.technicalDetails')}</summary>
        <pre>{`${error.name}: ${error.message}`}</pre>
      </details>
    </div>
  );
}

import { useId, useState } from 'react';

/**
 * A file picker that also accepts files dropped on it (keyboard users open the picker with Enter or Space, as
 * with any file input).
 */
export function FileDrop(props: {
  label: string;
  hint: string;
  accept: string;
  multiple?: boolean;
  testId: string;
  onFiles: (files: File[]) => void;
}) {
  const id = useId();
  const [over, setOver] = useState(false);
  return (
    <div
      className={`file-drop${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const files = Array.from(e.dataTransfer.files);
        if (files.length) props.onFiles(props.multiple ? files : files.slice(0, 1));
      }}
    >
      <label htmlFor={id}>{props.label}</label>
      <span className="hint">{props.hint}</span>
      <input
        id={id}
        type="file"
        accept={props.accept}
        multiple={props.multiple}
        data-testid={props.testId}
        onChange={(e) => {
          if (e.target.files?.length) props.onFiles(Array.from(e.target.files));
          e.target.value = '';
        }}
      />
    </div>
  );
}

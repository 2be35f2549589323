import type { InputHTMLAttributes } from 'react';

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: string;
}

/** A labelled input whose error is announced with it (aria-describedby). */
export function Field({ label, name, error, hint, id, ...input }: FieldProps) {
  const inputId = id ?? `field-${name}`;
  const described = [hint ? `${inputId}-hint` : '', error ? `${inputId}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} name={name} aria-invalid={error ? true : undefined} aria-describedby={described || undefined} {...input} />
      {hint ? <p id={`${inputId}-hint`} className="muted" style={{ margin: '.25rem 0 0', fontSize: '.8125rem' }}>{hint}</p> : null}
      {error ? <p id={`${inputId}-error`} className="error" role="alert">{error}</p> : null}
    </div>
  );
}

// Labelled form controls that show the server's userError for their field beside them.
import { useId, type ReactNode } from "react";

export interface UserErrorLike {
  field?: readonly string[] | null;
  code: string;
  message: string;
}

/** The error whose field path ends with `name` (e.g. "taxId" matches ["input", "taxId"]). */
export function errorFor(errors: readonly UserErrorLike[] | undefined, name: string): string | undefined {
  const wanted = name.split(".");
  const found = errors?.find((error) => {
    const field = error.field ?? [];
    if (field.length < wanted.length) return false;
    return wanted.every((part, i) => field[field.length - wanted.length + i] === part);
  });
  return found?.message;
}

/** Errors not shown beside a field: the form shows them on top. */
export function formErrors(
  errors: readonly UserErrorLike[] | undefined,
  shownFields: readonly string[],
): UserErrorLike[] {
  return (errors ?? []).filter((error) => !shownFields.some((name) => errorFor([error], name)));
}

export function ErrorList({ errors }: { errors: readonly UserErrorLike[] }) {
  if (errors.length === 0) return null;
  return (
    <div className="error" role="alert">
      {errors.map((error, i) => (
        <p key={i}>
          {error.message} <span className="code">({error.code})</span>
        </p>
      ))}
    </div>
  );
}

interface FieldProps {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  type?: string;
  required?: boolean;
  placeholder?: string;
  hint?: ReactNode;
  autoComplete?: string;
}

export function Field(props: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [props.error ? errorId : "", props.hint ? hintId : ""].filter(Boolean).join(" ");
  return (
    <div className={props.error ? "field invalid" : "field"}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        required={props.required}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.hint && (
        <small id={hintId} className="hint">
          {props.hint}
        </small>
      )}
      {props.error && (
        <small id={errorId} className="field-error" role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}

interface SelectProps {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { value: string; label: string }[];
  error?: string;
}

export function Select(props: SelectProps) {
  const id = useId();
  return (
    <div className={props.error ? "field invalid" : "field"}>
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {props.error && (
        <small className="field-error" role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}

export function Status({ children }: { children: ReactNode }) {
  return (
    <p className="status" role="status">
      {children}
    </p>
  );
}

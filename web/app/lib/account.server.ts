// The signed-in person's own account: changing the password from /settings.
import { BaketsuError, type Baketsu } from '@baketsu/sdk';
import { formErrorsFrom, type FormErrors } from './problems.server.js';

export type PasswordChangeResult = { ok: true } | { ok: false; errors: FormErrors };

/** The form's field names; the API's are the same minus `confirm_password`, which stays here. */
export const PASSWORD_FIELDS = {
  current: 'current_password',
  next: 'new_password',
  confirm: 'confirm_password',
} as const;

/**
 * Checks what the browser sent, then asks the API. The API keeps this sign-in and ends every other
 * one, so the dashboard's cookie stays valid. Problems come back as field errors: a wrong current
 * password under `current_password`, a weak new one under `new_password`.
 */
export async function changePassword(api: Baketsu, form: FormData): Promise<PasswordChangeResult> {
  const current = String(form.get(PASSWORD_FIELDS.current) ?? '');
  const next = String(form.get(PASSWORD_FIELDS.next) ?? '');
  const confirm = String(form.get(PASSWORD_FIELDS.confirm) ?? '');
  const fields: Record<string, string> = {};
  if (current === '') fields[PASSWORD_FIELDS.current] = 'Enter your current password';
  if (next === '') fields[PASSWORD_FIELDS.next] = 'Enter a new password';
  else if (confirm !== next) fields[PASSWORD_FIELDS.confirm] = 'The two new passwords do not match';
  if (Object.keys(fields).length > 0) return { ok: false, errors: { fields } };

  try {
    await api.auth.changePassword({ current_password: current, new_password: next });
    return { ok: true };
  } catch (error) {
    if (error instanceof BaketsuError && error.code === 'invalid_credentials') {
      return { ok: false, errors: { fields: { [PASSWORD_FIELDS.current]: 'The current password is not correct' } } };
    }
    const errors = formErrorsFrom(error);
    // formErrorsFrom files weak_password under sign-up's `password`; here the API names the field.
    if (errors.fields[PASSWORD_FIELDS.next]) delete errors.fields.password;
    return { ok: false, errors };
  }
}

export type AccountDeletionResult = { ok: true } | { ok: false; errors: FormErrors };

/**
 * Deletes the account after the password is given again and the consequences are confirmed. The
 * API ends every sign-in at once, this one included, so the caller clears the cookie on success.
 */
export async function deleteAccount(api: Baketsu, form: FormData): Promise<AccountDeletionResult> {
  const password = String(form.get('delete_password') ?? '');
  const fields: Record<string, string> = {};
  if (password === '') fields.delete_password = 'Enter your password';
  if (form.get('confirm') !== 'yes') fields.confirm = 'Confirm that all your files will be deleted';
  if (Object.keys(fields).length > 0) return { ok: false, errors: { fields } };
  try {
    await api.auth.deleteAccount({ password });
    return { ok: true };
  } catch (error) {
    if (error instanceof BaketsuError && error.code === 'invalid_credentials') {
      return { ok: false, errors: { fields: { delete_password: 'The password is not correct' } } };
    }
    return { ok: false, errors: formErrorsFrom(error) };
  }
}

export type ProfileResult = { ok: true } | { ok: false; errors: FormErrors };

/**
 * The profile form: an empty display name clears it; an email change is sent only when an address
 * was typed, with the current password it needs. The API's problems come back under their fields.
 */
export async function updateProfile(api: Baketsu, me: { display_name: string | null }, form: FormData): Promise<ProfileResult> {
  const displayName = String(form.get('display_name') ?? '').trim();
  const email = String(form.get('email') ?? '').trim();
  const currentPassword = String(form.get('current_password') ?? '');
  if (email !== '' && currentPassword === '') return { ok: false, errors: { fields: { current_password: 'Enter your current password to change the email' } } };
  const nextName = displayName === '' ? null : displayName;
  const change = {
    ...(nextName !== me.display_name ? { display_name: nextName } : {}),
    ...(email !== '' ? { email, current_password: currentPassword } : {}),
  };
  if (Object.keys(change).length === 0) return { ok: true };
  try {
    await api.auth.updateMe(change);
    return { ok: true };
  } catch (error) {
    if (error instanceof BaketsuError && error.code === 'invalid_credentials') {
      return { ok: false, errors: { fields: { current_password: 'The current password is not correct' } } };
    }
    return { ok: false, errors: formErrorsFrom(error) };
  }
}

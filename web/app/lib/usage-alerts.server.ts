// Saving the dashboard's alert thresholds: the text field's list, then the API's own refusals
// (a percentage without a spend cap, a zero amount, a repeated value) under the same field.
import { BaketsuError, type Baketsu } from '@baketsu/sdk';
import { formErrorsFrom, type FormErrors } from './problems.server.js';
import { parseThresholdList } from './usage-alerts.js';

export async function saveAlertThresholds(api: Baketsu, text: string): Promise<{ ok: true } | { ok: false; errors: FormErrors }> {
  const parsed = parseThresholdList(text);
  if (!parsed.ok) return { ok: false, errors: { fields: { thresholds: parsed.error } } };
  try {
    await api.usage.setAlertThresholds({ thresholds: parsed.thresholds });
    return { ok: true };
  } catch (error) {
    // The API's words name its own endpoint (PATCH /v1/me/limits); a person sets the cap in Settings.
    if (error instanceof BaketsuError && error.code === 'spend_cap_required') {
      return { ok: false, errors: { fields: { thresholds: 'A percentage needs a monthly spend cap: set one under Settings, or give the threshold as an amount (25.00).' } } };
    }
    const errors = formErrorsFrom(error);
    // Every refusal is about the one field: show it there, in the API's words.
    const message = errors.form ?? Object.values(errors.fields)[0] ?? 'These thresholds cannot be used';
    return { ok: false, errors: { fields: { thresholds: message } } };
  }
}

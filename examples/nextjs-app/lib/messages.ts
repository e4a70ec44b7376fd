/**
 * What the pages say after a login that did not finish: one sentence per reason the SDK gives
 * (`flow.afterError(error).reason`), and two of the app's own. The URL carries only the code
 * (never text), and a session from an earlier login is named, so the page never leaves someone
 * wondering who is logged in.
 */
export const MESSAGES = {
  declined: 'You declined to share your data in the Singpass app, so the login did not go through.',
  expired: 'The login took too long and expired. Please log in again.',
  already_finished: 'You went back to a login that had already finished and approved it again in the Singpass app. That second approval was not used.',
  not_started_here: 'The login you approved was not started from this page (it may have been started in another tab or browser, or from an old page), so it was not used.',
  failed: 'Something went wrong while logging you in. Please try again in a moment.',
  flavour: 'Pick one of the flavours first.',
  logged_out: 'You are not logged in (or your session has ended). Log in to see your details.',
} as const;

export type MessageCode = keyof typeof MESSAGES;

export function messageFor(code: string | string[] | undefined, stillLoggedInAs?: string): string | undefined {
  if (typeof code !== 'string' || !Object.hasOwn(MESSAGES, code)) return undefined;
  const text: string = MESSAGES[code as MessageCode];
  if (stillLoggedInAs && code !== 'logged_out' && code !== 'flavour') {
    return `${text} You are still logged in as ${stillLoggedInAs}. To log in as someone else, log out first.`;
  }
  return text;
}

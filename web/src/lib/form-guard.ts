/**
 * Forms submitted before the console's JavaScript has taken them over.
 *
 * On a slow phone connection the server's HTML shows the forms seconds before React has
 * hydrated them. A tap on "Sign in" or "Record transaction" in that gap used to be a native
 * submit: the browser sent the fields to the page's own URL (as a query string before the
 * forms had method="post"), the password landed in the address bar and nothing was done.
 *
 * FORM_GUARD_SCRIPT runs inline at the top of <head>, before any form exists, and takes every
 * submit no page code has handled: it cancels the native submit, says in a live region that
 * the page is still loading, and submits the form again (requestSubmit, so the page's own
 * handler reads the fields as they are then) once the root client component reports that
 * React has hydrated. Handled submits are left alone: every form of the console calls
 * preventDefault in its onSubmit, so after hydration nothing changes.
 *
 * - Before hydration (capture phase, first listener of all): the submit is stopped outright,
 *   so a React that is still starting cannot also run it; it is replayed afterwards.
 * - After hydration (bubble phase on window, after React's listeners on document): a submit
 *   nobody prevented comes from a form whose part of the page has not hydrated yet (pages
 *   stream behind Suspense boundaries); it is replayed until its handler takes it.
 *
 * No DOM of React's is touched before hydration (that would be a hydration mismatch): the
 * message goes into FORM_GUARD_STATUS_ID, an element whose content React never hydrates
 * (dangerouslySetInnerHTML). A form that must submit natively opts out with data-native-submit.
 * There is no Content-Security-Policy on the console (next.config.ts, proxy.ts); one added
 * later must allow this script (a nonce or its hash).
 */

export const FORM_GUARD_STATUS_ID = 'form-guard-status';
const HYDRATED_EVENT = 'coffer:hydrated';

/** Every 200 ms for a minute after hydration, then the user is told to reload. */
const RETRY_MS = 200;
const RETRIES = 300;

const WAITING = 'Coffer is still loading. Your form will be sent as soon as the page is ready.';
const GAVE_UP = 'This form could not be sent. Check your connection, reload the page and try again.';

// Plain ES5 in a string: it runs before any bundle, in every browser the console supports.
export const FORM_GUARD_SCRIPT = `(function () {
  var hydrated = false, held = [], timer = 0, tries = 0, shown = '';
  function say(text, tone) {
    var box = document.getElementById(${JSON.stringify(FORM_GUARD_STATUS_ID)});
    if (!box || shown === text) return;
    shown = text;
    box.textContent = '';
    if (!text) return;
    var note = document.createElement('p');
    note.className = 'notice notice--' + tone;
    note.style.cssText = 'margin:0 auto 16px;max-width:32rem;box-shadow:0 4px 16px rgba(0,0,0,.15)';
    note.textContent = text;
    box.appendChild(note);
  }
  function stop() { clearInterval(timer); timer = 0; tries = 0; }
  function hold(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute('data-native-submit')) return false;
    event.preventDefault();
    for (var i = held.length - 1; i >= 0; i--) if (held[i].form === form) held.splice(i, 1);
    held.push({ form: form, submitter: event.submitter && event.submitter.form === form ? event.submitter : null });
    say(${JSON.stringify(WAITING)}, 'warn');
    if (hydrated && !timer) timer = setInterval(replay, ${RETRY_MS});
    return true;
  }
  function send(entry) {
    var form = entry.form, submitter = entry.submitter;
    if (!form.isConnected) return;
    if (form.requestSubmit) form.requestSubmit(submitter && submitter.isConnected ? submitter : undefined);
    else if (submitter) submitter.click();
    else form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  }
  function replay() {
    if (++tries > ${RETRIES}) { held = []; stop(); say(${JSON.stringify(GAVE_UP)}, 'error'); return; }
    var queue = held;
    held = [];
    // Each goes to its page handler now, or is held again by the listener below.
    for (var i = 0; i < queue.length; i++) {
      try { send(queue[i]); } catch (error) { held.push(queue[i]); }
    }
    if (!held.length) { stop(); say(''); }
  }
  window.addEventListener('submit', function (event) {
    if (!hydrated && hold(event)) event.stopImmediatePropagation();
  }, true);
  window.addEventListener('submit', function (event) {
    if (!event.defaultPrevented) hold(event);
  });
  document.addEventListener(${JSON.stringify(HYDRATED_EVENT)}, function () {
    hydrated = true;
    if (held.length && !timer) timer = setInterval(replay, ${RETRY_MS});
  });
})();`;

/** Called once by the root client component after hydration: held submits go out now. */
export function announceHydrated(): void {
  document.dispatchEvent(new Event(HYDRATED_EVENT));
}

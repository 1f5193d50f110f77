import { graphQLRequestTextError, jsonMayHoldUnstorableText, whereUnstorableText } from './storable-text';

describe('jsonMayHoldUnstorableText (the pre-scan of a raw body)', () => {
  const maybe = (raw: string): boolean[] => [jsonMayHoldUnstorableText(raw), jsonMayHoldUnstorableText(Buffer.from(raw))];

  it.each([
    ['a NUL escape', String.raw`{"n":"a\u0000"}`],
    ['a lone high surrogate escape', String.raw`{"n":"Asha \ud800"}`],
    ['a lone low surrogate escape, upper case', String.raw`{"n":"\uDC00"}`],
    ['a surrogate pair (the walk tells it apart)', String.raw`{"n":"\ud83d\ude00"}`],
    ['a GraphQL \\u{…} escape in a document', String.raw`{"query":"{ a(x: \"\\u{0}\") }"}`],
  ])('looks closer at %s', (_what, raw) => {
    expect(maybe(raw)).toEqual([true, true]);
  });

  it.each([
    ['plain text', '{"n":"Asha Rao","e":"asha@example.com"}'],
    ['raw UTF-8, an emoji included', '{"n":"Ásha 😀"}'],
    ['other escapes', String.raw`{"n":"\u00e9\ud7ff\ue000\n\\"}`],
    ['a truncated escape at the end', String.raw`{"n":"x\u`],
  ])('passes %s at once', (_what, raw) => {
    expect(maybe(raw)).toEqual([false, false]);
  });
});

describe('whereUnstorableText', () => {
  it('names the first string or key holding a NUL or a lone surrogate, and which', () => {
    expect(whereUnstorableText({ input: { name: 'Asha \ud800' } }, 'variables')).toEqual({ path: 'variables.input.name', problem: 'INVALID_UNICODE' });
    expect(whereUnstorableText({ list: ['ok', '\udc00x'] }, '')).toEqual({ path: 'list.1', problem: 'INVALID_UNICODE' });
    expect(whereUnstorableText({ ['k\ud83d']: 1 }, '')).toEqual({ path: 'k\ud83d', problem: 'INVALID_UNICODE' });
    expect(whereUnstorableText({ a: 'x\u0000' }, '')).toEqual({ path: 'a', problem: 'NUL_CHARACTER' });
    // Reversed halves are two lone surrogates.
    expect(whereUnstorableText('\ude00\ud83d', 's')).toEqual({ path: 's', problem: 'INVALID_UNICODE' });
  });

  it('accepts well-formed text, surrogate pairs included', () => {
    expect(whereUnstorableText({ name: 'Asha \ud83d\ude00', list: ['\u{10FFFF}', 'é'], n: 1, b: null }, '')).toBeUndefined();
  });
});

describe('graphQLRequestTextError', () => {
  it('is BAD_USER_INPUT with the reason and the field', () => {
    const error = graphQLRequestTextError({ query: 'mutation($n: String!) { x(n: $n) }', variables: { n: 'Asha \ud800' } });
    expect(error?.code).toBe('BAD_USER_INPUT');
    expect(error?.details).toEqual({ reason: 'INVALID_UNICODE', fields: { 'variables.n': expect.any(String) } });
    expect(graphQLRequestTextError({ query: '{ a(x: "\ud800") }' })?.details).toEqual({ reason: 'INVALID_UNICODE', fields: { query: expect.any(String) } });
    expect(graphQLRequestTextError({ query: '{ a }', extensions: { e: '\udfff' } })?.details.fields).toEqual({ 'extensions.e': expect.any(String) });
    expect(graphQLRequestTextError({ query: '{ a(x: "\\u0000") }' })?.details.reason).toBe('NUL_CHARACTER');
  });

  it('lets a pair, and a surrogate escape written in the document (graphql-js judges those), through', () => {
    expect(graphQLRequestTextError({ query: '{ a }', variables: { n: '\ud83d\ude00' } })).toBeUndefined();
    expect(graphQLRequestTextError({ query: '{ a(x: "\\ud83d\\ude00") }' })).toBeUndefined();
  });
});

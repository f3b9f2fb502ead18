import {
  formatAge,
  formatNumber,
  formatPercent,
  formatSeconds,
  formatUsd,
  shortRef,
} from './format';

describe('format', () => {
  it.each([
    [0, '$0'],
    [0.03822, '$0.038'],
    [0.5, '$0.50'],
    [6.88, '$6.88'],
    [39630, '$39,630'],
    [-2.5, '-$2.50'],
    [undefined, '–'],
  ])('formats %p dollars as %s', (value, text) => {
    expect(formatUsd(value)).toBe(text);
  });

  it.each([
    [37.75, '38%'],
    [0.42, '0.4%'],
    [0, '0%'],
    [100, '100%'],
  ])('formats %p percent as %s', (value, text) => {
    expect(formatPercent(value)).toBe(text);
  });

  it('keeps small numbers readable', () => {
    expect(formatNumber(7814.19)).toBe('7,814');
    expect(formatNumber(9.52)).toBe('9.5');
    expect(formatNumber(0.0055)).toBe('0.0055');
  });

  it('shows short durations in milliseconds', () => {
    expect(formatSeconds(0.45)).toBe('450 ms');
    expect(formatSeconds(9.749999)).toBe('9.75 s');
  });

  it('says how long ago something happened', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(formatAge('2026-11-27T11:59:50Z', now)).toBe('10 s ago');
    expect(formatAge('2026-11-27T11:55:00Z', now)).toBe('5 min ago');
    expect(formatAge('2026-11-27T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAge(undefined, now)).toBe('never');
  });

  it('shortens entity refs to their names', () => {
    expect(shortRef('group:default/ml-chat')).toBe('ml-chat');
    expect(shortRef(undefined)).toBe('–');
  });
});

/** The session and lessons of index `i` that the crash worker completes (shared with the test). */
export function crashSession(i: number): { id: string; lessons: string[] } {
  return { id: `crash-s${i}-2026-12-03`, lessons: [`lesson ${i} a`, `lesson ${i} b`, `lesson ${i} c`] };
}

export function pidAlive(pid: number): boolean;

// Plain JavaScript (like free-port.js) so that the global setup can use it as well as the TypeScript
// test support: test harnesses leave owner files with a pid, and leftovers are what a dead pid owns.

/** Whether a process with this pid exists (EPERM: it does, but belongs to another user). */
function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

module.exports = { pidAlive };

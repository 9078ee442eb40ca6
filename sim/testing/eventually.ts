// The network log is written off the hot path (batched, after the response), so a test that reads it right
// after a DICOM client exits must wait for the write: retry the assertions until they pass or time runs out.
export async function eventually<T>(check: () => Promise<T> | T, { timeoutMs = 5000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** An explanation worker thread that dies at every chunk: the explain pool's crashed-worker path. */
export default function crash(): never {
  // In a worker thread this ends the thread, not the test process.
  process.exit(1);
}

/** One ONNX tree-ensemble classifier loaded in onnxruntime, scoring float32 rows in batches. */
import * as ort from 'onnxruntime-node';

export class OnnxModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    private readonly probabilityOutput: string,
    readonly featureCount: number,
  ) {}

  static async load(
    bytes: Uint8Array,
    names: { inputName: string; probabilityOutput: string; featureCount: number },
  ): Promise<OnnxModel> {
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    return new OnnxModel(session, names.inputName, names.probabilityOutput, names.featureCount);
  }

  /** P(positive) for `rows` row-major float32 rows (NaN = missing), in one session.run. */
  async predict(rows: Float32Array): Promise<Float32Array> {
    const count = rows.length / this.featureCount;
    if (!Number.isInteger(count))
      throw new RangeError(`${rows.length} values are not whole rows of ${this.featureCount} features`);
    const input = new ort.Tensor('float32', rows, [count, this.featureCount]);
    const output = await this.session.run({ [this.inputName]: input }, [this.probabilityOutput]);
    // The probability output is [1 − p, p] per row.
    const tensor = output[this.probabilityOutput];
    if (tensor.dims.length !== 2 || tensor.dims[0] !== count || tensor.dims[1] !== 2) {
      throw new RangeError(`${this.probabilityOutput} has shape [${tensor.dims.join(', ')}], expected [${count}, 2]`);
    }
    const both = tensor.data as Float32Array;
    const positive = new Float32Array(count);
    for (let i = 0; i < count; i++) positive[i] = both[2 * i + 1];
    return positive;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

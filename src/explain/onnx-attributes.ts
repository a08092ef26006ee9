/** Typed access to an ONNX node's attributes, including float and double tensors stored as raw bytes. */
import { onnx } from 'onnx-proto';
import { InvalidTreeEnsembleError } from './tree-ensemble-errors';

export type Int64 = number | { toNumber(): number };
export const toNumber = (v: Int64): number => (typeof v === 'number' ? v : v.toNumber());
const AttributeType = onnx.AttributeProto.AttributeType;
const utf8 = new TextDecoder();

/** Typed access to a node's attributes by name. */
export class Attributes {
  private readonly byName = new Map<string, onnx.IAttributeProto>();

  constructor(private readonly node: onnx.INodeProto) {
    for (const a of node.attribute ?? []) this.byName.set(a.name ?? '', a);
  }

  private get(name: string, type: onnx.AttributeProto.AttributeType): onnx.IAttributeProto | undefined {
    const a = this.byName.get(name);
    if (a && a.type !== type)
      throw new InvalidTreeEnsembleError(`${this.node.opType} attribute ${name} has type ${a.type}, expected ${type}`);
    return a;
  }

  ints(name: string): number[] | undefined {
    return this.get(name, AttributeType.INTS)?.ints?.map(toNumber);
  }

  int(name: string): number | undefined {
    const a = this.get(name, AttributeType.INT);
    return a?.i == null ? undefined : toNumber(a.i);
  }

  strings(name: string): string[] | undefined {
    return this.get(name, AttributeType.STRINGS)?.strings?.map((s) => utf8.decode(s));
  }

  string(name: string): string | undefined {
    const s = this.get(name, AttributeType.STRING)?.s;
    return s ? utf8.decode(s) : undefined;
  }

  /** A float list, or its `_as_tensor` twin (float or double tensor). */
  reals(name: string): number[] | undefined {
    const tensor = this.get(`${name}_as_tensor`, AttributeType.TENSOR)?.t;
    if (tensor) return tensorValues(tensor, `${name}_as_tensor`);
    return this.get(name, AttributeType.FLOATS)?.floats ?? undefined;
  }

  require<T>(value: T | undefined, name: string): T {
    if (value === undefined) throw new InvalidTreeEnsembleError(`${this.node.opType} lacks attribute ${name}`);
    return value;
  }
}

function tensorValues(t: onnx.ITensorProto, name: string): number[] {
  const { FLOAT, DOUBLE } = onnx.TensorProto.DataType;
  if (t.dataType === FLOAT || t.dataType === DOUBLE) {
    const raw = t.rawData;
    if (raw && raw.length > 0) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const size = t.dataType === FLOAT ? 4 : 8;
      return Array.from({ length: raw.byteLength / size }, (_, i) =>
        size === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true),
      );
    }
    return [...(t.dataType === FLOAT ? (t.floatData ?? []) : (t.doubleData ?? []))];
  }
  throw new InvalidTreeEnsembleError(
    `attribute ${name} has tensor data type ${t.dataType}, allowed FLOAT (1) or DOUBLE (11)`,
  );
}

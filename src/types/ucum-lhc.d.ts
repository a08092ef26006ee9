/** The part of @lhncbc/ucum-lhc the monitor uses (the package ships no types). */
declare module '@lhncbc/ucum-lhc' {
  interface UcumConversion {
    status: 'succeeded' | 'failed' | 'error';
    toVal: number | null;
    msg: string[];
  }
  interface UcumLhcUtilsInstance {
    convertUnitTo(fromUnit: string, value: number, toUnit: string): UcumConversion;
    validateUnitString(unit: string): { status: 'valid' | 'invalid' | 'error'; msg: string[] };
  }
  export const UcumLhcUtils: { getInstance(): UcumLhcUtilsInstance };
}

// The plan keeps each google.protobuf.Struct the SDK builds as the plain value it stands for
// (tools/plan/lean-sdk.ts). Its examples are what google-protobuf 3.21.4 itself does
// (google/protobuf/struct_pb.js, fromJavaScript and toJavaScript): each value goes through the real
// Struct first, with the SDK as shipped, then through the plan's, and must come out the same, key
// order included, or fail with the same message.
import { RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { leanSdkForPlan } from "../tools/plan/lean-sdk";

const withInherited = Object.assign(Object.create({ inherited: "from the prototype" }) as object, { own: 1 });
const VALUES: [string, unknown][] = [
  ["keys out of order", { b: 1, a: 2, C: 3, _: 4 }],
  ["nested objects and lists", { z: { y: [{ d: 1, c: [true, false, null] }], x: "s" }, a: [] }],
  ["integer-like keys", { "10": 1, "9": 2, a: 3, "01": 4 }],
  ["numbers", { int: 3, neg: -1.5, zero: -0, big: 1e300, nan: NaN }],
  ["unicode and empty keys", { é: 1, e: 2, "": 3, Z: 4, ß: 5 }],
  ["a secret as the SDK serializes it", { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "x" }],
  ["inherited enumerable keys", withInherited],
  ["nothing", {}],
  ["a list at the top", ["a", "b"]],
  ["null at the top", null],
];
const REFUSED: [string, unknown][] = [
  ["undefined", { a: undefined }],
  ["a function", { f: () => 1 }],
  ["a bigint", { n: BigInt(1) }],
  ["a symbol", { s: Symbol("s") }],
];

function outcome(make: () => unknown): unknown {
  try {
    const value = make();
    return { value, order: JSON.stringify(value) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const roundTrip = (value: unknown) => () => Struct.fromJavaScript(value as Record<string, never>).toJavaScript();
const throughRequest = (value: unknown) => () => {
  const request = new RegisterResourceRequest();
  request.setObject(Struct.fromJavaScript(value as Record<string, never>));
  const direct = request.getObject()!.toJavaScript();
  const binary = RegisterResourceRequest.deserializeBinary(request.serializeBinary()).getObject()!.toJavaScript();
  return {
    direct,
    binary,
    fields: [
      ...Struct.fromJavaScript(value as Record<string, never>)
        .getFieldsMap()
        .keys(),
    ],
  };
};

const real = {
  roundTrip: [...VALUES, ...REFUSED].map(([, value]) => outcome(roundTrip(value))),
  request: VALUES.map(([, value]) => outcome(throughRequest(value))),
};
leanSdkForPlan();

test.each([...VALUES, ...REFUSED].map(([name, value], i) => ({ name, value, i })))(
  "$name: the same value, in the same order, or the same refusal",
  ({ value, i }) => {
    expect(outcome(roundTrip(value))).toEqual(real.roundTrip[i]);
  },
);

test.each(VALUES.map(([name, value], i) => ({ name, value, i })))(
  "$name, in a request: read back, in binary, as an object and its fields map, as google-protobuf's own",
  ({ value, i }) => {
    expect(outcome(throughRequest(value))).toEqual(real.request[i]);
  },
);

test("the plan's version is in place: Struct.fromJavaScript no longer builds a message per value", () => {
  expect(Struct.fromJavaScript({ a: 1 }).constructor.name).toBe("StructOfValue");
});

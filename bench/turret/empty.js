// The empty transaction: measures the turret's own overhead per result.
export default function run() {}

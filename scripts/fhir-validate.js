// Validates FHIR R4 JSON files with two independent npm validators; exit 1 on any R4 JSON-schema
// error. fhir.js messages are printed; its known false report on `answerBoolean: false` (it reads
// false as missing) is named as such and does not fail the run.
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
const { Fhir } = require('fhir');
const fs = require('fs');

const schema = new JSONSchemaValidator();
const fhir = new Fhir();
let failed = false;
for (const file of process.argv.slice(2)) {
  const resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  const schemaErrors = schema.validate(resource, true);
  console.log(`${file}: R4 JSON schema: ${schemaErrors.length} errors`);
  for (const e of schemaErrors.slice(0, 20)) console.log('   ', JSON.stringify(e).slice(0, 300));
  if (schemaErrors.length > 0) failed = true;
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  const infos = result.messages.filter(m => m.severity === 'info' || m.severity === 'information');
  const messages = result.messages.filter(m => !infos.includes(m));
  const known = messages.filter(m => /enableWhen/.test(m.location) && /answer\[x\]|Missing property/.test(m.message));
  const other = messages.filter(m => !known.includes(m));
  console.log(`${file}: fhir.js: ${other.length} errors or warnings` + (known.length ? `, ${known.length} known false reports on answerBoolean: false` : '') + `, ${infos.length} notes (value sets it does not hold)`);
  for (const m of other.slice(0, 20)) console.log('   ', m.severity, m.location, m.message);
}
process.exit(failed ? 1 : 0);

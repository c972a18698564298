package coding

// ExportQuotesPerCode is how many quotes per code the report document's
// quote bank holds unless asked otherwise: enough to choose from, few
// enough to read. (The report document itself is built by package
// coding/report, from a recipe.)
const ExportQuotesPerCode = 5

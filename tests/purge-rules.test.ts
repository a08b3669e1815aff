// Filters and ages as acr purge reads them, with acr-cli's own test tables ported (Azure/acr-cli at
// cfbb835863061df3c6ead82bce0521ac4b7f4eb4: cmd/acr/purge_test.go TestGetRepositoryAndTagRegex,
// TestCollectTagFilters, TestParseDuration, TestPurgeTags' regex cases). Where this project means
// something else on purpose (whole-name tag match, grouped repository regex, refusing what acr purge
// would misread), the test says so.
import { toJavaScriptRegex } from "../components/acr-regex";
import { parseDuration, parseFilter, purgeCommand, splitFilter } from "../components/purge-rules";

describe("splitting a filter: acr-cli TestGetRepositoryAndTagRegex", () => {
  test.each([
    ["NormalFunctionalityTest", "foo:bar", "foo", "bar"],
    ["NonCaptureGroupInRepoName", "hello-(?:abc):zzz", "hello-(?:abc)", "zzz"],
    ["NonCaptureGroupInTag", "hello-:z-(?:abc)zz", "hello-", "z-(?:abc)zz"],
    ["NonCaptureGroupAndQuantifier", "hello-(?:abc)?:z-(?:abc)zz", "hello-(?:abc)?", "z-(?:abc)zz"],
    ["ColonInsideNonCaptureGroup", "hello-(?:abc)?:z-(?:[:])zz", "hello-(?:abc)?", "z-(?:[:])zz"],
    [
      "NonCaptureGroupQuantifierAndCharacterClasses",
      "[[:alpha:]](?:abc)(?:.*)?:test123[[:digit:]](?:.*)",
      "[[:alpha:]](?:abc)(?:.*)?",
      "test123[[:digit:]](?:.*)",
    ],
    [
      "NonCaptureGroupQuantifierAndNegatedCharacterClassesCharacterClasses",
      "[^[:alpha:]](?ims-U:abc)(?:.*)?:test123[[^:digit:]](?-imUs:.*)",
      "[^[:alpha:]](?ims-U:abc)(?:.*)?",
      "test123[[^:digit:]](?-imUs:.*)",
    ],
    [
      "NonCaptureGroupWithFlagsCharacterClassAndColonInCharacterClass",
      "(?imsU:test):[[:digit:]][tes:]",
      "(?imsU:test)",
      "[[:digit:]][tes:]",
    ],
  ])("%s: %s", (_, filter, repository, tag) => {
    expect(splitFilter(filter)).toEqual([repository, tag]);
    // And each part compiles in acr purge's dialect.
    expect(() => parseFilter(filter)).not.toThrow();
  });

  test.each([
    ["NoColonTest", "foo"],
    ["TwoColonsTest", "foo:bar:zzz"],
    ["a third, trailing colon", "[^[:alpha:]](?ims-U:abc)(?:.*)?:test123[[^:digit:]](?-imUs:.*):"],
    ["EmptyRepoRegex", ":.*"],
    ["EmptyTagRegex", "bar.*:"],
  ])("%s: %s is refused", (_, filter) => {
    expect(() => splitFilter(filter)).toThrow();
  });
});

describe("which repositories a filter selects: acr-cli TestCollectTagFilters", () => {
  // acr-cli's ManyRepositoriesResult.
  const repositories = ["bar", "foo", "baz", "foo/bar"];
  const selected = (filter: string) => repositories.filter((name) => parseFilter(filter).repository.test(name));
  test.each([
    ["AllReposWildcardWithTagLocal", ".+:.*-?local[.].+", 4],
    ["AllReposWildcardWithTagLocal2", ".+:.*-?local\\..+", 4],
    ["SingleRepo", "bar:.*", 1],
    ["AllReposWildcard", ".*:.*", 4],
    ["NoPartialMatch", "ba:.*", 0],
    ["NameWithSlash", "foo/bar:.*", 1],
    ["NameWithSlashAndNonCaptureGroupInTag", "foo/bar:(?:.*)", 1],
    ["NameWithSlashAndTwoNonCaptureGroup", "foo/bar(?:.*):(?:.*)", 1],
    ["NameWithSlashAndTwoNonCaptureGroupAndQuantifier", "foo/bar(?:.*)?:(?:.*)", 1],
    ["NameWithSlashAndTwoNonCaptureGroupInRepo", "foo/bar(?:.*):.(?:.*)", 1],
    ["NameWithSlashAndTwoNonCaptureGroupInRepoAndCharacterClasses", "foo/b[[:alpha:]]r(?:.*):.(?:.*)", 1],
  ])("%s: %s selects %i", (_, filter, count) => {
    expect(selected(filter)).toHaveLength(count);
  });

  test("an alternation stays inside the anchors: web|api selects web and api only", () => {
    const names = ["web", "api", "website", "old/api", "web/app"];
    expect(names.filter((name) => parseFilter("web|api:.*").repository.test(name))).toEqual(["web", "api"]);
  });
});

describe("the regex dialect: acr-cli TestPurgeTags' filters, matched anywhere as acr purge matches tags", () => {
  // acr-cli's TagWithLocal and FourTagsWithRepoFilterMatch.
  const anywhere = (pattern: string, tags: string[]) => tags.filter((tag) => new RegExp(toJavaScriptRegex(pattern)).test(tag));
  test.each([
    ["Delete tag with local in it", ".*-?local[.].+", ["v1-a", "v1-b", "v1-c", "v1-c-local.test"], ["v1-c-local.test"]],
    ["Delete 2 with negative lookahead", "v1(?!-a)", ["v1-a", "v1-b", "v1-c", "v2"], ["v1-b", "v1-c"]],
    ["Delete 2 with negative lookbehind", "v1-*[abc]+(?<!-[a])", ["v1-a", "v1-b", "v1-c", "v2"], ["v1-b", "v1-c"]],
    ["NoDeletionFilterTest", "^hello.*", ["latest"], []],
  ])("%s: %s", (_, pattern, tags, matching) => {
    expect(anywhere(pattern, tags)).toEqual(matching);
  });

  test.each([
    ["a POSIX class", "[[:digit:]]+", "v123", "123"],
    ["a case-insensitive group", "(?i:release)-[0-9]+", "x", "RELEASE-7"],
    ["case-insensitivity to the end of the pattern", "(?i)rc", "x", "RC"],
    ["a case-insensitive class", "(?i)[a-c]x", "dx", "Bx"],
    ["an RE2 named group", "(?P<major>[0-9]+)\\.x", "a.x", "3.x"],
    ["an escaped dot", "v1\\.0", "v1x0", "v1.0"],
    ["a two-digit hex escape", "v\\x31", "v2", "v1"],
    ["(?i) over a lower-case POSIX class, negated", "(?i)[^[:lower:]]+", "V1", "123"],
  ])("%s: %s", (_, pattern, notMatching, matching) => {
    const regex = new RegExp(`^(?:${toJavaScriptRegex(pattern)})$`);
    expect([regex.test(notMatching), regex.test(matching)]).toEqual([false, true]);
  });

  test.each([
    ["InvalidRegexTest", "["],
    ["a backreference", "(a)\\1"],
    ["a named backreference", "(?<x>a)\\k<x>"],
    ["an unknown flag", "(?x:a)"],
    ["an unknown POSIX class", "[[:emoji:]]"],
    ["an unclosed group", "(a"],
    // acr purge's engine reads these otherwise than JavaScript would, or not at all: refused, not guessed.
    ["\\Q...\\E (regexp2 reads \\Q as the letter Q)", "\\Qv1.0\\E"],
    ["a Unicode property", "\\p{L}+"],
    ["\\Z", "v1\\Z"],
    ["\\a", "\\a"],
    ["\\x{...}", "\\x{41}"],
    ["class subtraction", "[a-z-[aeiou]]"],
  ])("%s: %s is refused", (_, pattern) => {
    // (?x: is not a group to acr purge's splitter either: its colon splits the filter.
    expect(() => parseFilter(`repo:${pattern}`)).toThrow(/has an invalid tag regex|is not a filter/);
  });
});

describe("ages: acr-cli TestParseDuration", () => {
  const MINUTE = 60_000;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;
  test.each([
    ["15m", 15 * MINUTE],
    ["1d1h3m", 25 * HOUR + 3 * MINUTE],
    ["3d", 3 * DAY],
    ["0m", 0],
    ["1.5h", 1.5 * HOUR],
    ["0", 0],
  ])("%s reads as acr purge reads it", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each([
    ["", "is not an age acr purge reads as written"],
    ["15p", "is not an age acr purge reads as written"],
    ["15", "is not an age acr purge reads as written"],
    // acr purge caps these at 150 years: they would not mean what they say.
    ["999999d", "is longer than 150 years"],
    ["9999999d999999999h", "is longer than 150 years"],
    ["99999999999999999999d", "too many days for acr purge to read: it would take the age as 0"],
    // acr purge reads a negative age as "everything", and misreads days that do not come first.
    ["-1d", "a sign"],
    ["1h1d", "acr purge would read it as 1 days"],
    ["30m1d", "acr purge would read it as 30 days"],
    ["1d1d", "days twice: acr purge fails at every run"],
  ])("%s is refused: %s", (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });
});

describe("the scheduled task's command means what the filter means here", () => {
  test.each([
    ["web|api:.*", "acr purge --filter '(?:web|api):^(?:.*)$' --ago 7d"],
    [".*:pr-.*", "acr purge --filter '(?:.*):^(?:pr-.*)$' --ago 7d"],
    ["app:(?i:rc)[[:digit:]]+", "acr purge --filter '(?:app):^(?:(?i:rc)[[:digit:]]+)$' --ago 7d"],
  ])("%s", (filter, command) => {
    expect(purgeCommand({ schedule: "0 3 * * *", filter, ago: "7d" })).toBe(command);
    // acr purge splits the written filter back into exactly the grouped and anchored parts.
    const [repository, tag] = splitFilter(command.split("'")[1]);
    const [givenRepository, givenTag] = splitFilter(filter);
    expect([repository, tag]).toEqual([`(?:${givenRepository})`, `^(?:${givenTag})$`]);
  });
});

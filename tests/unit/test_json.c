/*
 * test_json.c - core/base/json: the string escaper's one rule on exact
 * vectors (controls, quotes, valid UTF-8 kept, each kind of invalid UTF-8
 * read as Latin-1), the writer's commas and nesting, 64-bit integers at
 * their limits, misuse being reported by json_done, and a whole document
 * parsed back by python3's json module (strict UTF-8) to the values meant.
 *
 * The expected python3 output below was produced by running
 *   json.dumps(doc, ensure_ascii=True, separators=(',', ':'))
 * on a Python literal of the intended values, where an invalid byte 0xXX
 * is written as the code point U+00XX (the Latin-1 rule of json.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "json.h"
#include "unit.h"

struct vector {
	const char *what;
	const char *in;
	size_t len;
	const char *out;
};

#define V(what, in, out) { what, in, sizeof(in) - 1, out }

static const struct vector vectors[] = {
	V("quote, backslash, \\n \\t and a control (RFC 8259 section 7)",
	  "a\"b\\c\nd\te\x01", "\"a\\\"b\\\\c\\nd\\te\\u0001\""),
	V("backspace, form feed, 0x1f as \\u, \\r short", "\x08\x0c\x1f\r", "\"\\u0008\\u000c\\u001f\\r\""),
	V("DEL as \\u007f", "\x7f", "\"\\u007f\""),
	V("NUL inside a counted string", "a\0b", "\"a\\u0000b\""),
	V("two-byte UTF-8 passes through", "plain \xc3\xa9", "\"plain \xc3\xa9\""),
	V("U+2028 passes through", "\xe2\x80\xa8", "\"\xe2\x80\xa8\""),
	V("four-byte UTF-8 passes through", "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""),
	V("U+10FFFF passes through", "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""),
	V("a lone 0xff is Latin-1", "\xff", "\"\\u00ff\""),
	V("a stray continuation byte is Latin-1", "x\x80y", "\"x\\u0080y\""),
	V("a sequence cut short, then ASCII", "\xc3x", "\"\\u00c3x\""),
	V("a sequence cut short at the end", "ok\xe2\x82", "\"ok\\u00e2\\u0082\""),
	V("overlong two-byte form", "\xc0\xaf", "\"\\u00c0\\u00af\""),
	V("overlong three-byte form", "\xe0\x80\x80", "\"\\u00e0\\u0080\\u0080\""),
	V("UTF-8 encoded surrogate", "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""),
	V("beyond U+10FFFF", "\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\""),
	V("empty", "", "\"\""),
};

static void test_quote(void)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct strbuf b = { 0 };
		json_quote(&b, vectors[i].in, vectors[i].len);
		CHECK(b.data && strcmp(b.data, vectors[i].out) == 0, "quote: %s", vectors[i].what);
		strbuf_free(&b);
	}
}

static void test_writer(void)
{
	struct strbuf b = { 0 };
	struct json j;

	json_init(&j, &b);
	CHECK(!json_done(&j), "nothing written is not a JSON text");
	json_object_begin(&j);
	json_key_string(&j, "name", "x");
	json_key_int(&j, "neg", -5);
	json_key_uint(&j, "big", UINT64_MAX);
	json_key_bool(&j, "up", true);
	json_key_null(&j, "none");
	json_key_string(&j, "null_string", NULL);
	json_key_array(&j, "list");
	json_int(&j, 1);
	json_array_begin(&j);
	json_array_end(&j);
	json_object_begin(&j);
	json_object_end(&j);
	json_string(&j, "s");
	json_array_end(&j);
	json_key_object(&j, "inner");
	json_key(&j, "k");
	json_bool(&j, false);
	CHECK(!json_done(&j), "not done while containers are open");
	json_object_end(&j);
	json_object_end(&j);
	CHECK(json_done(&j), "done once every container is closed");
	CHECK(b.data && strcmp(b.data, "{\"name\":\"x\",\"neg\":-5,\"big\":18446744073709551615,\"up\":true,"
			   "\"none\":null,\"null_string\":null,\"list\":[1,[],{},\"s\"],\"inner\":{\"k\":false}}") == 0,
	      "commas, nesting, every value kind");
	strbuf_free(&b);

	json_init(&j, &b);
	json_array_begin(&j);
	json_int(&j, INT64_MIN);
	json_int(&j, INT64_MAX);
	json_uint(&j, 0);
	json_array_end(&j);
	CHECK(json_done(&j) && strcmp(b.data, "[-9223372036854775808,9223372036854775807,0]") == 0,
	      "64-bit limits");
	strbuf_free(&b);

	json_init(&j, &b);
	json_string(&j, "top");
	CHECK(json_done(&j) && strcmp(b.data, "\"top\"") == 0, "a string alone is a JSON text");
	strbuf_free(&b);
}

static void test_misuse(void)
{
	struct strbuf b = { 0 };
	struct json j;

	json_init(&j, &b);
	json_array_begin(&j);
	json_key(&j, "k");
	json_array_end(&j);
	CHECK(!json_done(&j), "a key in an array is misuse");
	strbuf_free(&b);

	json_init(&j, &b);
	json_object_begin(&j);
	json_int(&j, 1);
	json_object_end(&j);
	CHECK(!json_done(&j), "a value without its key is misuse");
	strbuf_free(&b);

	json_init(&j, &b);
	json_object_begin(&j);
	json_key(&j, "k");
	json_object_end(&j);
	CHECK(!json_done(&j), "a key without its value is misuse");
	strbuf_free(&b);

	json_init(&j, &b);
	json_object_begin(&j);
	json_array_end(&j);
	CHECK(!json_done(&j), "closing what is not open is misuse");
	strbuf_free(&b);

	json_init(&j, &b);
	json_null(&j);
	json_null(&j);
	CHECK(!json_done(&j), "two values at the top are misuse");
	strbuf_free(&b);

	json_init(&j, &b);
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array_begin(&j);
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array_end(&j);
	CHECK(!json_done(&j), "nesting deeper than JSON_MAX_DEPTH is misuse");
	strbuf_free(&b);

	json_init(&j, &b);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_begin(&j);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_end(&j);
	CHECK(json_done(&j), "JSON_MAX_DEPTH levels are fine");
	strbuf_free(&b);

	struct strbuf small = { .max = 16 };
	json_init(&j, &small);
	json_array_begin(&j);
	json_string(&j, "longer than sixteen bytes");
	json_array_end(&j);
	CHECK(!json_done(&j), "a failed append is not done");
	strbuf_free(&small);
}

/* The document python3 reads back; its expected form is in the header comment. */
static const char python_expect[] =
	"{\"strings\":[\"a\\\"b\\\\c\\nd\\te\\u0001\",\"plain \\u00e9\",\"\\u007f\",\"\\u00ff\",\"\\u00c3x\","
	"\"\\u00c0\\u00af\",\"\\u00ed\\u00a0\\u0080\",\"\\ud83d\\ude00\",\"\\u00f4\\u0090\\u0080\\u0080\","
	"\"\\u2028\",\"\\u00e0\\u0080\\u0080\",\"a\\u0000b\",\"\\b\\f\\u001f\\r\",\"\"],"
	"\"int_min\":-9223372036854775808,\"int_max\":9223372036854775807,\"uint_max\":18446744073709551615,"
	"\"zero\":0,\"t\":true,\"f\":false,\"n\":null,\"empty_obj\":{},\"empty_arr\":[],"
	"\"nested\":[[1,[]],{\"k\":{\"x\":null}}],\"odd \\\"key\\\"\\n\":1}\n";

static void test_python(void)
{
	static const char *const strings[] = {
		"a\"b\\c\nd\te\x01", "plain \xc3\xa9", "\x7f", "\xff", "\xc3x", "\xc0\xaf", "\xed\xa0\x80",
		"\xf0\x9f\x98\x80", "\xf4\x90\x80\x80", "\xe2\x80\xa8", "\xe0\x80\x80",
	};
	struct strbuf b = { 0 };
	struct json j;

	json_init(&j, &b);
	json_object_begin(&j);
	json_key_array(&j, "strings");
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		json_string(&j, strings[i]);
	json_string_len(&j, "a\0b", 3);
	json_string(&j, "\x08\x0c\x1f\r");
	json_string(&j, "");
	json_array_end(&j);
	json_key_int(&j, "int_min", INT64_MIN);
	json_key_int(&j, "int_max", INT64_MAX);
	json_key_uint(&j, "uint_max", UINT64_MAX);
	json_key_uint(&j, "zero", 0);
	json_key_bool(&j, "t", true);
	json_key_bool(&j, "f", false);
	json_key_null(&j, "n");
	json_key_object(&j, "empty_obj");
	json_object_end(&j);
	json_key_array(&j, "empty_arr");
	json_array_end(&j);
	json_key_array(&j, "nested");
	json_array_begin(&j);
	json_int(&j, 1);
	json_array_begin(&j);
	json_array_end(&j);
	json_array_end(&j);
	json_object_begin(&j);
	json_key_object(&j, "k");
	json_key_null(&j, "x");
	json_object_end(&j);
	json_object_end(&j);
	json_array_end(&j);
	json_key_int(&j, "odd \"key\"\n", 1);
	json_object_end(&j);
	CHECK(json_done(&j), "python document written");

	char path[] = "/tmp/test_json.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, b.data, b.len) == (ssize_t)b.len, "python document saved");
	if (fd >= 0)
		close(fd);
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; v=json.loads(open(sys.argv[1],\"rb\").read().decode(\"utf-8\"));"
		 " print(json.dumps(v,ensure_ascii=True,separators=(\",\",\":\")))' %s", path);
	FILE *p = popen(cmd, "r");
	char got[2048] = "";
	size_t n = p ? fread(got, 1, sizeof(got) - 1, p) : 0;
	got[n] = '\0';
	int status = p ? pclose(p) : -1;
	unlink(path);
	CHECK(status == 0, "python3's json module parses the document (strict UTF-8)");
	CHECK(strcmp(got, python_expect) == 0, "python3 reads back the values meant");
	if (strcmp(got, python_expect) != 0)
		printf("# python3 read: %s", got);
	strbuf_free(&b);
}

int main(void)
{
	test_quote();
	test_writer();
	test_misuse();
	test_python();
	return unit_exit();
}

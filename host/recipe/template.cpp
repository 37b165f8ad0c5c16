#include "recipe/template.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

namespace gaggle::recipe_template {
namespace {

constexpr int max_depth = 64;              // nested blocks and nested expressions
constexpr int max_include_depth = 8;
constexpr std::size_t max_iterations = 100000; // loop bodies rendered, over the whole render
constexpr std::size_t max_source_bytes = 1024u * 1024u;

[[noreturn]] void fail(int line, const std::string& what)
{
    throw invalid_argument("template error at line " + std::to_string(line) + ": " + what);
}

// ---------------------------------------------------------------- lexing into text / tags

enum class PieceKind { text, output, statement };

struct Piece {
    PieceKind kind;
    std::string body; // text, or the inside of the tag (trimmed)
    std::string raw;  // the tag as written (to leave an unparsable {{ }} as it was)
    int line;
};

int count_lines(const std::string& s, std::size_t from, std::size_t to)
{
    return static_cast<int>(std::count(s.begin() + static_cast<long>(from), s.begin() + static_cast<long>(to), '\n'));
}

std::string trim(const std::string& s)
{
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

void rstrip(std::string& s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
}

std::vector<Piece> lex(const std::string& src)
{
    if (src.size() > max_source_bytes) throw invalid_argument("template is larger than 1 MiB");
    std::vector<Piece> out;
    std::size_t pos = 0;
    int line = 1;
    bool strip_next_text = false;
    auto push_text = [&](std::string text) {
        if (strip_next_text) {
            std::size_t b = 0;
            while (b < text.size() && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
            text.erase(0, b);
            strip_next_text = false;
        }
        if (!text.empty()) out.push_back({PieceKind::text, std::move(text), {}, line});
    };
    while (pos < src.size()) {
        std::size_t open = src.find('{', pos);
        while (open != std::string::npos && open + 1 < src.size() && src[open + 1] != '{' && src[open + 1] != '%' && src[open + 1] != '#')
            open = src.find('{', open + 1);
        if (open == std::string::npos || open + 1 >= src.size()) {
            push_text(src.substr(pos));
            break;
        }
        std::string text = src.substr(pos, open - pos);
        const char kind = src[open + 1];
        const bool strip_before = open + 2 < src.size() && src[open + 2] == '-';
        if (strip_before) rstrip(text);
        push_text(std::move(text));
        line += count_lines(src, pos, open);
        const std::string close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
        const std::size_t inner = open + 2 + (strip_before ? 1 : 0);
        const std::size_t end = src.find(close, inner);
        if (end == std::string::npos)
            fail(line, std::string("unexpected end of input: `") + src.substr(open, 2) + "` is never closed");
        std::size_t inner_end = end;
        bool strip_after = false;
        if (inner_end > inner && src[inner_end - 1] == '-') {
            strip_after = true;
            --inner_end;
        }
        const std::string body = trim(src.substr(inner, inner_end - inner));
        const std::string raw = src.substr(open, end + 2 - open);
        const int tag_line = line;
        line += count_lines(src, open, end + 2);
        pos = end + 2;
        if (kind == '#') {
            strip_next_text = strip_after;
            continue;
        }
        if (kind == '%' && body == "raw") {
            // Everything up to {% endraw %} is text.
            std::size_t search = pos;
            while (true) {
                const std::size_t tag = src.find("{%", search);
                if (tag == std::string::npos) fail(tag_line, "`{% raw %}` without `{% endraw %}`");
                const std::size_t tag_end = src.find("%}", tag + 2);
                if (tag_end == std::string::npos) fail(tag_line, "`{% raw %}` without `{% endraw %}`");
                std::string inside = src.substr(tag + 2, tag_end - tag - 2);
                const bool ws_before = !inside.empty() && inside.front() == '-';
                const bool ws_after = !inside.empty() && inside.back() == '-';
                if (trim(inside.substr(ws_before ? 1 : 0, inside.size() - (ws_before ? 1 : 0) - (ws_after ? 1 : 0))) == "endraw") {
                    std::string raw_text = src.substr(pos, tag - pos);
                    if (strip_after) {
                        std::size_t b = 0;
                        while (b < raw_text.size() && std::isspace(static_cast<unsigned char>(raw_text[b]))) ++b;
                        raw_text.erase(0, b);
                    }
                    if (ws_before) rstrip(raw_text);
                    if (!raw_text.empty()) out.push_back({PieceKind::text, raw_text, {}, tag_line});
                    line += count_lines(src, pos, tag_end + 2);
                    pos = tag_end + 2;
                    strip_next_text = ws_after;
                    break;
                }
                search = tag_end + 2;
            }
            continue;
        }
        out.push_back({kind == '{' ? PieceKind::output : PieceKind::statement, body, raw, tag_line});
        strip_next_text = strip_after;
    }
    return out;
}

// ---------------------------------------------------------------- expressions

enum class Tok { name, str, num, op, end };

struct Token {
    Tok kind;
    std::string text;
};

std::vector<Token> tokenize(const std::string& s, int line)
{
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            std::size_t j = i;
            while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
            out.push_back({Tok::name, s.substr(i, j - i)});
            i = j;
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            std::size_t j = i;
            while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '_')) ++j;
            out.push_back({Tok::num, s.substr(i, j - i)});
            i = j;
        } else if (c == '"' || c == '\'') {
            std::string v;
            std::size_t j = i + 1;
            for (; j < s.size() && s[j] != c; ++j) {
                if (s[j] == '\\' && j + 1 < s.size()) {
                    const char e = s[++j];
                    v += e == 'n' ? '\n' : e == 't' ? '\t' : e;
                } else {
                    v += s[j];
                }
            }
            if (j >= s.size()) fail(line, "unterminated string literal");
            out.push_back({Tok::str, v});
            i = j + 1;
        } else {
            static const char* two[] = {"==", "!=", "<=", ">=", "//"};
            bool matched = false;
            for (const char* t : two)
                if (s.compare(i, 2, t) == 0) {
                    out.push_back({Tok::op, t});
                    i += 2;
                    matched = true;
                    break;
                }
            if (matched) continue;
            if (std::string("+-*/%~|.,:()[]{}<>=").find(c) == std::string::npos)
                fail(line, std::string("unexpected character `") + c + "`");
            out.push_back({Tok::op, std::string(1, c)});
            ++i;
        }
    }
    out.push_back({Tok::end, ""});
    return out;
}

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind { literal, name, attr, index, list, unary, binary, filter, test };

struct Expr {
    ExprKind kind;
    Json literal;
    std::string name; // variable, attribute, operator, filter or test name
    bool negated = false;
    std::vector<ExprPtr> args; // operands: [object/lhs, rhs/filter args...]
};

ExprPtr make(ExprKind k, std::string name = {})
{
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->name = std::move(name);
    return e;
}

class ExprParser {
public:
    ExprParser(std::vector<Token> toks, int line) : t_(std::move(toks)), line_(line) {}

    ExprPtr parse_all()
    {
        auto e = expr(0);
        if (peek().kind != Tok::end) fail(line_, "unexpected `" + peek().text + "` in expression");
        return e;
    }
    ExprPtr expr(int depth) { return or_expr(depth + 1); }
    const Token& peek() const { return t_[i_]; }
    bool at_name(const char* n) const { return peek().kind == Tok::name && peek().text == n; }
    bool at_op(const char* o) const { return peek().kind == Tok::op && peek().text == o; }
    Token take() { return t_[i_ < t_.size() - 1 ? i_++ : i_]; }
    void expect_op(const char* o)
    {
        if (!at_op(o)) fail(line_, std::string("expected `") + o + "`" + (peek().kind == Tok::end ? " before the end" : ", found `" + peek().text + "`"));
        take();
    }
    std::string expect_name()
    {
        if (peek().kind != Tok::name) fail(line_, "expected a name");
        return take().text;
    }

private:
    void guard(int depth) const
    {
        if (depth > max_depth) fail(line_, "expression nested too deeply");
    }
    ExprPtr binary(std::string op, ExprPtr l, ExprPtr r)
    {
        auto e = make(ExprKind::binary, std::move(op));
        e->args.push_back(std::move(l));
        e->args.push_back(std::move(r));
        return e;
    }
    ExprPtr or_expr(int d)
    {
        guard(d);
        auto l = and_expr(d + 1);
        while (at_name("or")) {
            take();
            l = binary("or", std::move(l), and_expr(d + 1));
        }
        return l;
    }
    ExprPtr and_expr(int d)
    {
        guard(d);
        auto l = not_expr(d + 1);
        while (at_name("and")) {
            take();
            l = binary("and", std::move(l), not_expr(d + 1));
        }
        return l;
    }
    ExprPtr not_expr(int d)
    {
        guard(d);
        if (at_name("not")) {
            take();
            auto e = make(ExprKind::unary, "not");
            e->args.push_back(not_expr(d + 1));
            return e;
        }
        return compare(d + 1);
    }
    ExprPtr compare(int d)
    {
        guard(d);
        auto l = concat(d + 1);
        while (true) {
            if (peek().kind == Tok::op && (at_op("==") || at_op("!=") || at_op("<") || at_op(">") || at_op("<=") || at_op(">="))) {
                const std::string op = take().text;
                l = binary(op, std::move(l), concat(d + 1));
            } else if (at_name("in")) {
                take();
                l = binary("in", std::move(l), concat(d + 1));
            } else if (at_name("not") && i_ + 1 < t_.size() && t_[i_ + 1].kind == Tok::name && t_[i_ + 1].text == "in") {
                take();
                take();
                auto e = make(ExprKind::unary, "not");
                e->args.push_back(binary("in", std::move(l), concat(d + 1)));
                l = std::move(e);
            } else if (at_name("is")) {
                take();
                auto e = make(ExprKind::test);
                if (at_name("not")) {
                    take();
                    e->negated = true;
                }
                e->name = expect_name();
                e->args.push_back(std::move(l));
                l = std::move(e);
            } else {
                return l;
            }
        }
    }
    ExprPtr concat(int d)
    {
        guard(d);
        auto l = additive(d + 1);
        while (at_op("~")) {
            take();
            l = binary("~", std::move(l), additive(d + 1));
        }
        return l;
    }
    ExprPtr additive(int d)
    {
        guard(d);
        auto l = multiplicative(d + 1);
        while (at_op("+") || at_op("-")) {
            const std::string op = take().text;
            l = binary(op, std::move(l), multiplicative(d + 1));
        }
        return l;
    }
    ExprPtr multiplicative(int d)
    {
        guard(d);
        auto l = unary(d + 1);
        while (at_op("*") || at_op("/") || at_op("//") || at_op("%")) {
            const std::string op = take().text;
            l = binary(op, std::move(l), unary(d + 1));
        }
        return l;
    }
    ExprPtr unary(int d)
    {
        guard(d);
        if (at_op("-")) {
            take();
            auto e = make(ExprKind::unary, "-");
            e->args.push_back(unary(d + 1));
            return e;
        }
        return filtered(d + 1);
    }
    ExprPtr filtered(int d)
    {
        auto e = postfix(d + 1);
        while (at_op("|")) {
            take();
            auto f = make(ExprKind::filter, expect_name());
            f->args.push_back(std::move(e));
            if (at_op("(")) {
                take();
                while (!at_op(")")) {
                    // keyword arguments (indent(2, first=true)) are accepted positionally by name
                    if (peek().kind == Tok::name && i_ + 1 < t_.size() && t_[i_ + 1].kind == Tok::op && t_[i_ + 1].text == "=") {
                        take();
                        take();
                    }
                    f->args.push_back(expr(d + 1));
                    if (!at_op(",")) break;
                    take();
                }
                expect_op(")");
            }
            e = std::move(f);
        }
        return e;
    }
    ExprPtr postfix(int d)
    {
        guard(d);
        auto e = primary(d + 1);
        while (true) {
            if (at_op(".")) {
                take();
                auto a = make(ExprKind::attr, peek().kind == Tok::num ? take().text : expect_name());
                a->args.push_back(std::move(e));
                e = std::move(a);
            } else if (at_op("[")) {
                take();
                auto a = make(ExprKind::index);
                a->args.push_back(std::move(e));
                a->args.push_back(expr(d + 1));
                expect_op("]");
                e = std::move(a);
            } else {
                return e;
            }
        }
    }
    ExprPtr primary(int d)
    {
        guard(d);
        const Token t = take();
        if (t.kind == Tok::str) {
            auto e = make(ExprKind::literal);
            e->literal = t.text;
            return e;
        }
        if (t.kind == Tok::num) {
            auto e = make(ExprKind::literal);
            std::string digits;
            for (char c : t.text)
                if (c != '_') digits += c;
            try {
                if (digits.find('.') != std::string::npos) e->literal = std::stod(digits);
                else e->literal = std::stoll(digits);
            } catch (const std::exception&) {
                fail(line_, "bad number `" + t.text + "`");
            }
            return e;
        }
        if (t.kind == Tok::name) {
            auto e = make(ExprKind::literal);
            if (t.text == "true" || t.text == "True") e->literal = true;
            else if (t.text == "false" || t.text == "False") e->literal = false;
            else if (t.text == "none" || t.text == "None") e->literal = nullptr;
            else return make(ExprKind::name, t.text);
            return e;
        }
        if (t.kind == Tok::op && t.text == "(") {
            auto e = expr(d + 1);
            expect_op(")");
            return e;
        }
        if (t.kind == Tok::op && t.text == "[") {
            auto e = make(ExprKind::list);
            while (!at_op("]")) {
                e->args.push_back(expr(d + 1));
                if (!at_op(",")) break;
                take();
            }
            expect_op("]");
            return e;
        }
        fail(line_, t.kind == Tok::end ? "expected an expression" : "unexpected `" + t.text + "` in expression");
    }

    std::vector<Token> t_;
    std::size_t i_ = 0;
    int line_;
};

ExprPtr parse_expr(const std::string& text, int line) { return ExprParser(tokenize(text, line), line).parse_all(); }

// ---------------------------------------------------------------- statements

enum class NodeKind { text, output, raw_output, if_, for_, set, include };

struct Node;
using Body = std::vector<Node>;

struct Node {
    NodeKind kind;
    int line = 0;
    std::string text;                                   // text, raw output, set target
    ExprPtr expr;                                       // output, set value, include name, for iterable
    std::vector<std::pair<ExprPtr, Body>> branches;     // if/elif (condition, body)
    Body body, else_body;                               // for body; if/for else
    std::vector<std::string> targets;                   // for targets
};

class StatementParser {
public:
    explicit StatementParser(std::vector<Piece> pieces) : p_(std::move(pieces)) {}

    Body parse_document()
    {
        Body b = block(0, {});
        if (i_ < p_.size()) fail(p_[i_].line, "unexpected `{% " + p_[i_].body + " %}`");
        return b;
    }

private:
    static std::string keyword(const std::string& body)
    {
        std::size_t e = 0;
        while (e < body.size() && (std::isalnum(static_cast<unsigned char>(body[e])) || body[e] == '_')) ++e;
        return body.substr(0, e);
    }

    // Parses nodes until a statement whose keyword is in `stops` (left unconsumed) or the end.
    Body block(int depth, const std::vector<std::string>& stops)
    {
        if (depth > max_depth) fail(i_ < p_.size() ? p_[i_].line : 0, "blocks nested too deeply");
        Body out;
        while (i_ < p_.size()) {
            const Piece& p = p_[i_];
            if (p.kind == PieceKind::text) {
                out.push_back(Node{NodeKind::text, p.line, p.body, nullptr, {}, {}, {}, {}});
                ++i_;
                continue;
            }
            if (p.kind == PieceKind::output) {
                Node n{NodeKind::output, p.line, {}, nullptr, {}, {}, {}, {}};
                try {
                    n.expr = parse_expr(p.body, p.line);
                } catch (const Error&) {
                    // Not an expression ({{hf model name}}): upstream leaves it as written.
                    n.kind = NodeKind::raw_output;
                    n.text = p.raw;
                }
                out.push_back(std::move(n));
                ++i_;
                continue;
            }
            const std::string kw = keyword(p.body);
            if (std::find(stops.begin(), stops.end(), kw) != stops.end()) return out;
            const std::string rest = trim(p.body.substr(kw.size()));
            const int line = p.line;
            ++i_;
            if (kw == "if") {
                Node n{NodeKind::if_, line, {}, nullptr, {}, {}, {}, {}};
                ExprPtr cond = parse_expr(rest, line);
                while (true) {
                    Body b = block(depth + 1, {"elif", "else", "endif"});
                    n.branches.emplace_back(std::move(cond), std::move(b));
                    const std::string end = closing(line, "if");
                    if (end == "elif") {
                        cond = parse_expr(trim(p_[i_ - 1].body.substr(4)), p_[i_ - 1].line);
                        continue;
                    }
                    if (end == "else") {
                        n.else_body = block(depth + 1, {"endif"});
                        closing(line, "if");
                    }
                    break;
                }
                out.push_back(std::move(n));
            } else if (kw == "for") {
                Node n{NodeKind::for_, line, {}, nullptr, {}, {}, {}, {}};
                auto toks = tokenize(rest, line);
                ExprParser ep(toks, line);
                n.targets.push_back(ep.expect_name());
                if (ep.at_op(",")) {
                    ep.take();
                    n.targets.push_back(ep.expect_name());
                }
                if (!ep.at_name("in")) fail(line, "expected `in` in `{% for %}`");
                ep.take();
                n.expr = ep.expr(0);
                if (ep.peek().kind != Tok::end) fail(line, "unexpected `" + ep.peek().text + "` in `{% for %}`");
                n.body = block(depth + 1, {"else", "endfor"});
                if (closing(line, "for") == "else") {
                    n.else_body = block(depth + 1, {"endfor"});
                    closing(line, "for");
                }
                out.push_back(std::move(n));
            } else if (kw == "set") {
                const auto eq = rest.find('=');
                if (eq == std::string::npos) fail(line, "expected `{% set name = value %}`");
                Node n{NodeKind::set, line, trim(rest.substr(0, eq)), parse_expr(rest.substr(eq + 1), line), {}, {}, {}, {}};
                if (n.text.empty() || !(std::isalpha(static_cast<unsigned char>(n.text[0])) || n.text[0] == '_'))
                    fail(line, "`{% set %}` needs a variable name");
                out.push_back(std::move(n));
            } else if (kw == "include") {
                out.push_back(Node{NodeKind::include, line, {}, parse_expr(rest, line), {}, {}, {}, {}});
            } else if (kw == "endif" || kw == "endfor" || kw == "else" || kw == "elif") {
                fail(line, "unexpected `{% " + kw + " %}`");
            } else {
                fail(line, kw.empty() ? "empty `{% %}` tag" : "unknown tag `" + kw + "`");
            }
        }
        return out;
    }

    // Consumes the statement that ended a block of `opened`; returns its keyword.
    std::string closing(int opened_line, const std::string& opened)
    {
        if (i_ >= p_.size()) fail(opened_line, "`{% " + opened + " %}` is never closed (missing `{% end" + opened + " %}`)");
        return keyword(p_[i_++].body);
    }

    std::vector<Piece> p_;
    std::size_t i_ = 0;
};

Body parse_template(const std::string& source) { return StatementParser(lex(source)).parse_document(); }

// ---------------------------------------------------------------- values and rendering

struct Value {
    Json v;
    bool undefined = false;
    std::string name; // what was undefined, for the message
};

Value defined(Json v) { return Value{std::move(v), false, {}}; }

std::string to_text(const Json& v)
{
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "none";
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
            std::ostringstream s;
            s << static_cast<long long>(d) << ".0";
            return s.str();
        }
    }
    return v.dump();
}

bool is_number(const Json& v) { return v.is_number(); }
double num(const Json& v) { return v.get<double>(); }

Json arith(const std::string& op, const Json& a, const Json& b, int line)
{
    if (op == "+" && a.is_string() && b.is_string()) return a.get<std::string>() + b.get<std::string>();
    if (op == "+" && a.is_array() && b.is_array()) {
        Json r = a;
        for (const auto& x : b) r.push_back(x);
        return r;
    }
    if (!is_number(a) || !is_number(b)) fail(line, "`" + op + "` needs two numbers, got " + std::string(a.type_name()) + " and " + b.type_name());
    const bool ints = a.is_number_integer() && b.is_number_integer();
    if (op == "/") {
        if (num(b) == 0) fail(line, "division by zero");
        return num(a) / num(b);
    }
    if (ints) {
        const long long x = a.get<long long>(), y = b.get<long long>();
        if (op == "+") return x + y;
        if (op == "-") return x - y;
        if (op == "*") return x * y;
        if (y == 0) fail(line, "division by zero");
        if (op == "//") return x / y;
        return x % y;
    }
    if (op == "+") return num(a) + num(b);
    if (op == "-") return num(a) - num(b);
    if (op == "*") return num(a) * num(b);
    if (num(b) == 0) fail(line, "division by zero");
    if (op == "//") return std::floor(num(a) / num(b));
    return std::fmod(num(a), num(b));
}

bool less(const Json& a, const Json& b, int line)
{
    if (is_number(a) && is_number(b)) return num(a) < num(b);
    if (a.is_string() && b.is_string()) return a.get<std::string>() < b.get<std::string>();
    fail(line, std::string("cannot compare ") + a.type_name() + " with " + b.type_name());
}

bool equal(const Json& a, const Json& b)
{
    if (is_number(a) && is_number(b)) return num(a) == num(b);
    return a == b;
}

std::string indent_text(const std::string& s, std::size_t width, bool first, bool blank)
{
    const std::string pad(width, ' ');
    std::string out;
    std::size_t start = 0;
    bool is_first = true;
    while (start <= s.size()) {
        const std::size_t nl = s.find('\n', start);
        const std::string line = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        const bool empty = trim(line).empty();
        if ((!is_first || first) && (!empty || blank)) out += pad;
        out += line;
        if (nl == std::string::npos) break;
        out += '\n';
        start = nl + 1;
        is_first = false;
    }
    return out;
}

std::string escape_html(const std::string& s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#x27;"; break;
        default: out += c;
        }
    }
    return out;
}

Json as_list(const Json& v, int line)
{
    if (v.is_array()) return v;
    if (v.is_object()) {
        Json keys = Json::array();
        for (auto it = v.begin(); it != v.end(); ++it) keys.push_back(it.key());
        return keys;
    }
    if (v.is_string()) {
        // Characters (whole UTF-8 sequences), as Jinja iterates a string.
        Json chars = Json::array();
        const std::string s = v.get<std::string>();
        for (std::size_t i = 0; i < s.size();) {
            std::size_t n = 1;
            const auto c = static_cast<unsigned char>(s[i]);
            if (c >= 0xF0) n = 4;
            else if (c >= 0xE0) n = 3;
            else if (c >= 0xC0) n = 2;
            chars.push_back(s.substr(i, n));
            i += n;
        }
        return chars;
    }
    fail(line, std::string("cannot iterate over ") + v.type_name());
}

class Renderer {
public:
    Renderer(const Options& options, const Json& variables) : options_(options)
    {
        scopes_.push_back(variables.is_object() ? variables : Json::object());
    }

    void render(const Body& body, std::string& out, int depth)
    {
        if (depth > max_depth) fail(0, "blocks nested too deeply");
        for (const Node& n : body) {
            switch (n.kind) {
            case NodeKind::text: append(out, n.text, n.line); break;
            case NodeKind::raw_output: append(out, n.text, n.line); break;
            case NodeKind::output: {
                Value v = eval(*n.expr, n.line, 0);
                if (v.undefined) fail(n.line, "undefined variable `" + v.name + "`");
                append(out, to_text(v.v), n.line);
                break;
            }
            case NodeKind::if_: {
                bool done = false;
                for (const auto& [cond, b] : n.branches)
                    if (truthy(eval(*cond, n.line, 0), n.line)) {
                        render(b, out, depth + 1);
                        done = true;
                        break;
                    }
                if (!done) render(n.else_body, out, depth + 1);
                break;
            }
            case NodeKind::for_: render_for(n, out, depth); break;
            case NodeKind::set: {
                Value v = eval(*n.expr, n.line, 0);
                if (v.undefined) fail(n.line, "undefined variable `" + v.name + "`");
                scopes_.back()[n.text] = v.v;
                break;
            }
            case NodeKind::include: render_include(n, out, depth); break;
            }
        }
    }

    int include_depth = 0;

private:
    void append(std::string& out, const std::string& s, int line)
    {
        if (out.size() + s.size() > options_.max_output_bytes)
            fail(line, "rendered text exceeds " + std::to_string(options_.max_output_bytes) + " bytes");
        out += s;
    }

    void render_for(const Node& n, std::string& out, int depth)
    {
        Value it = eval(*n.expr, n.line, 0);
        if (it.undefined) fail(n.line, "undefined variable `" + it.name + "`");
        const Json items = it.v.is_null() ? Json::array() : as_list(it.v, n.line);
        if (items.empty()) {
            render(n.else_body, out, depth + 1);
            return;
        }
        scopes_.push_back(Json::object());
        const std::size_t count = items.size();
        for (std::size_t i = 0; i < count; ++i) {
            if (++iterations_ > max_iterations) fail(n.line, "loops ran more than " + std::to_string(max_iterations) + " times");
            Json& scope = scopes_.back();
            scope = Json::object();
            if (n.targets.size() == 2) {
                const Json& pair = items[i];
                if (!pair.is_array() || pair.size() != 2) fail(n.line, "cannot unpack into two names (use `| items` for a map)");
                scope[n.targets[0]] = pair[0];
                scope[n.targets[1]] = pair[1];
            } else {
                scope[n.targets[0]] = items[i];
            }
            scope["loop"] = Json{{"index", i + 1}, {"index0", i}, {"revindex", count - i}, {"revindex0", count - i - 1},
                                 {"first", i == 0}, {"last", i + 1 == count}, {"length", count}};
            render(n.body, out, depth + 1);
        }
        scopes_.pop_back();
    }

    void render_include(const Node& n, std::string& out, int depth)
    {
        Value name = eval(*n.expr, n.line, 0);
        if (!name.v.is_string()) fail(n.line, "`{% include %}` needs a file name");
        const std::string file = name.v.get<std::string>();
        const std::string text = read_include(options_.include_dir, file, n.line);
        if (include_depth >= max_include_depth) fail(n.line, "includes nested more than " + std::to_string(max_include_depth) + " deep");
        const Body body = parse_template(text);
        ++include_depth;
        render(body, out, depth + 1);
        --include_depth;
    }

public:
    static std::string read_include(const std::filesystem::path& dir, const std::string& file, int line)
    {
        namespace fs = std::filesystem;
        if (dir.empty()) fail(line, "`{% include %}` is only available for recipes loaded from a file");
        const fs::path rel(file);
        if (rel.is_absolute() || file.empty()) fail(line, "template path must stay within the recipe directory");
        for (const auto& part : rel)
            if (part == "..") fail(line, "template path must stay within the recipe directory");
        std::error_code ec;
        const fs::path base = fs::canonical(dir, ec);
        if (ec) fail(line, "template `" + file + "` not found");
        const fs::path target = fs::canonical(base / rel, ec);
        if (ec) fail(line, "template `" + file + "` not found");
        const std::string b = base.string(), t = target.string();
        if (t.compare(0, b.size(), b) != 0 || (t.size() > b.size() && t[b.size()] != '/'))
            fail(line, "template path must stay within the recipe directory");
        if (fs::file_size(target, ec) > max_source_bytes || ec) fail(line, "template `" + file + "` is too large or unreadable");
        std::ifstream in(target, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }

private:
    Value lookup(const std::string& name) const
    {
        for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
            auto f = it->find(name);
            if (f != it->end()) return defined(*f);
        }
        return Value{nullptr, true, name};
    }

    bool truthy(const Value& v, int line) const
    {
        if (v.undefined) fail(line, "undefined variable `" + v.name + "`");
        const Json& j = v.v;
        if (j.is_null()) return false;
        if (j.is_boolean()) return j.get<bool>();
        if (j.is_number()) return num(j) != 0;
        if (j.is_string()) return !j.get_ref<const std::string&>().empty(); // Json::empty() is false for any string
        if (j.is_array() || j.is_object()) return !j.empty();
        return true;
    }

    Json need(const Value& v, int line) const
    {
        if (v.undefined) fail(line, "undefined variable `" + v.name + "`");
        return v.v;
    }

    Value eval(const Expr& e, int line, int depth)
    {
        if (depth > max_depth) fail(line, "expression nested too deeply");
        switch (e.kind) {
        case ExprKind::literal: return defined(e.literal);
        case ExprKind::name: return lookup(e.name);
        case ExprKind::list: {
            Json arr = Json::array();
            for (const auto& a : e.args) arr.push_back(need(eval(*a, line, depth + 1), line));
            return defined(arr);
        }
        case ExprKind::attr:
        case ExprKind::index: {
            Value base = eval(*e.args[0], line, depth + 1);
            if (base.undefined) return base;
            Json key = e.kind == ExprKind::attr ? Json(e.name) : need(eval(*e.args[1], line, depth + 1), line);
            const std::string what = base.name.empty() ? "value" : base.name;
            if (base.v.is_object() && key.is_string()) {
                auto f = base.v.find(key.get<std::string>());
                if (f != base.v.end()) return defined(*f);
            } else if ((base.v.is_array() || base.v.is_string()) && (key.is_number_integer() || (key.is_string() && !key.get<std::string>().empty() && std::isdigit(static_cast<unsigned char>(key.get<std::string>()[0]))))) {
                long long i = key.is_number_integer() ? key.get<long long>() : std::stoll(key.get<std::string>());
                const Json list = as_list(base.v, line);
                if (i < 0) i += static_cast<long long>(list.size());
                if (i >= 0 && i < static_cast<long long>(list.size())) return defined(list[static_cast<std::size_t>(i)]);
            }
            return Value{nullptr, true, (e.args[0]->kind == ExprKind::name ? e.args[0]->name : what) + "." + to_text(key)};
        }
        case ExprKind::unary: {
            Value v = eval(*e.args[0], line, depth + 1);
            if (e.name == "not") return defined(!truthy(v, line));
            const Json x = need(v, line);
            if (!is_number(x)) fail(line, "unary `-` needs a number");
            return defined(x.is_number_integer() ? Json(-x.get<long long>()) : Json(-x.get<double>()));
        }
        case ExprKind::binary: return binary(e, line, depth);
        case ExprKind::test: return test(e, line, depth);
        case ExprKind::filter: return filter(e, line, depth);
        }
        return defined(nullptr);
    }

    Value binary(const Expr& e, int line, int depth)
    {
        const std::string& op = e.name;
        if (op == "and") {
            Value l = eval(*e.args[0], line, depth + 1);
            return truthy(l, line) ? eval(*e.args[1], line, depth + 1) : l;
        }
        if (op == "or") {
            Value l = eval(*e.args[0], line, depth + 1);
            return truthy(l, line) ? l : eval(*e.args[1], line, depth + 1);
        }
        const Json a = need(eval(*e.args[0], line, depth + 1), line);
        const Json b = need(eval(*e.args[1], line, depth + 1), line);
        if (op == "==") return defined(equal(a, b));
        if (op == "!=") return defined(!equal(a, b));
        if (op == "<") return defined(less(a, b, line));
        if (op == ">") return defined(less(b, a, line));
        if (op == "<=") return defined(!less(b, a, line));
        if (op == ">=") return defined(!less(a, b, line));
        if (op == "~") return defined(to_text(a) + to_text(b));
        if (op == "in") {
            if (b.is_string()) return defined(a.is_string() && b.get<std::string>().find(a.get<std::string>()) != std::string::npos);
            if (b.is_array()) return defined(std::any_of(b.begin(), b.end(), [&](const Json& x) { return equal(x, a); }));
            if (b.is_object()) return defined(a.is_string() && b.contains(a.get<std::string>()));
            fail(line, std::string("`in` needs a string, list or map on the right, got ") + b.type_name());
        }
        return defined(arith(op, a, b, line));
    }

    Value test(const Expr& e, int line, int depth)
    {
        Value v = eval(*e.args[0], line, depth + 1);
        bool r;
        if (e.name == "defined") r = !v.undefined;
        else if (e.name == "undefined") r = v.undefined;
        else {
            const Json x = need(v, line);
            if (e.name == "none") r = x.is_null();
            else if (e.name == "string") r = x.is_string();
            else if (e.name == "number") r = x.is_number();
            else if (e.name == "true") r = x.is_boolean() && x.get<bool>();
            else if (e.name == "false") r = x.is_boolean() && !x.get<bool>();
            else if (e.name == "odd" || e.name == "even") {
                if (!x.is_number_integer()) fail(line, "`is " + e.name + "` needs a whole number");
                r = (x.get<long long>() % 2 != 0) == (e.name == "odd");
            } else fail(line, "unknown test `" + e.name + "`");
        }
        return defined(e.negated ? !r : r);
    }

    Value filter(const Expr& e, int line, int depth)
    {
        const std::string& f = e.name;
        Value in = eval(*e.args[0], line, depth + 1);
        std::vector<Json> args;
        for (std::size_t i = 1; i < e.args.size(); ++i) args.push_back(need(eval(*e.args[i], line, depth + 1), line));
        auto arg_text = [&](std::size_t i, const char* fallback) {
            return i < args.size() ? to_text(args[i]) : std::string(fallback);
        };
        if (f == "default" || f == "d") {
            const bool boolean = args.size() > 1 && args[1].is_boolean() && args[1].get<bool>();
            if (in.undefined || (boolean && !truthy(in, line))) return defined(args.empty() ? Json("") : args[0]);
            return in;
        }
        const Json x = need(in, line);
        auto text = [&] { return to_text(x); };
        if (f == "upper" || f == "lower") {
            std::string s = text();
            for (char& c : s) c = static_cast<char>(f == "upper" ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
            return defined(s);
        }
        if (f == "capitalize" || f == "title") {
            std::string s = text();
            bool start = true;
            for (char& c : s) {
                const auto u = static_cast<unsigned char>(c);
                if (std::isalpha(u)) {
                    c = static_cast<char>(start ? std::toupper(u) : std::tolower(u));
                    start = false;
                } else if (f == "title") {
                    start = !std::isalnum(u);
                }
            }
            return defined(s);
        }
        if (f == "trim") return defined(trim(text()));
        if (f == "indent") {
            const std::size_t width = args.empty() ? 4 : static_cast<std::size_t>(std::clamp<long long>(args[0].is_number_integer() ? args[0].get<long long>() : 4, 0, 256));
            const bool first = args.size() > 1 && args[1].is_boolean() && args[1].get<bool>();
            const bool blank = args.size() > 2 && args[2].is_boolean() && args[2].get<bool>();
            return defined(indent_text(text(), width, first, blank));
        }
        if (f == "length" || f == "count") {
            if (x.is_string()) return defined(as_list(x, line).size());
            if (x.is_array() || x.is_object()) return defined(x.size());
            fail(line, std::string("`length` of ") + x.type_name());
        }
        if (f == "join") {
            std::string out;
            const Json list = as_list(x, line);
            for (std::size_t i = 0; i < list.size(); ++i) {
                if (i) out += arg_text(0, "");
                out += to_text(list[i]);
                if (out.size() > options_.max_output_bytes) fail(line, "joined text too large");
            }
            return defined(out);
        }
        if (f == "replace") {
            if (args.size() < 2) fail(line, "`replace` needs two arguments");
            std::string s = text();
            const std::string from = to_text(args[0]), to = to_text(args[1]);
            if (from.empty()) return defined(s);
            std::string out;
            std::size_t pos = 0, hit;
            while ((hit = s.find(from, pos)) != std::string::npos) {
                out.append(s, pos, hit - pos);
                out += to;
                pos = hit + from.size();
                if (out.size() > options_.max_output_bytes) fail(line, "replaced text too large");
            }
            out.append(s, pos, std::string::npos);
            return defined(out);
        }
        if (f == "first" || f == "last") {
            const Json list = as_list(x, line);
            if (list.empty()) return Value{nullptr, true, "first of an empty list"};
            return defined(f == "first" ? list.front() : list.back());
        }
        if (f == "int") {
            if (x.is_number()) return defined(static_cast<long long>(num(x)));
            try {
                return defined(static_cast<long long>(std::stod(trim(text()))));
            } catch (const std::exception&) {
                return defined(args.empty() ? Json(0) : args[0]);
            }
        }
        if (f == "float") {
            if (x.is_number()) return defined(num(x));
            try {
                return defined(std::stod(trim(text())));
            } catch (const std::exception&) {
                return defined(args.empty() ? Json(0.0) : args[0]);
            }
        }
        if (f == "string") return defined(text());
        if (f == "safe") return defined(x);
        if (f == "escape" || f == "e") return defined(escape_html(text()));
        if (f == "list") return defined(as_list(x, line));
        if (f == "reverse") {
            if (x.is_string()) {
                Json chars = as_list(x, line);
                std::string s;
                for (auto it = chars.rbegin(); it != chars.rend(); ++it) s += it->get<std::string>();
                return defined(s);
            }
            Json list = as_list(x, line);
            std::reverse(list.begin(), list.end());
            return defined(list);
        }
        if (f == "sort") {
            Json list = as_list(x, line);
            std::vector<Json> v(list.begin(), list.end());
            std::stable_sort(v.begin(), v.end(), [&](const Json& a, const Json& b) { return less(a, b, line); });
            return defined(Json(v));
        }
        if (f == "items") {
            if (!x.is_object()) fail(line, "`items` needs a map");
            Json pairs = Json::array();
            for (auto it = x.begin(); it != x.end(); ++it) pairs.push_back(Json::array({it.key(), it.value()}));
            return defined(pairs);
        }
        if (f == "split" || f == "lines") {
            const std::string s = text();
            Json parts = Json::array();
            if (f == "split" && args.empty()) {
                std::istringstream words(s);
                std::string w;
                while (words >> w) parts.push_back(w);
                return defined(parts);
            }
            const std::string sep = f == "lines" ? "\n" : to_text(args[0]);
            if (sep.empty()) fail(line, "`split` needs a separator that is not empty");
            std::size_t pos = 0, hit;
            while ((hit = s.find(sep, pos)) != std::string::npos) {
                parts.push_back(s.substr(pos, hit - pos));
                pos = hit + sep.size();
            }
            if (f == "split" || pos < s.size()) parts.push_back(s.substr(pos));
            return defined(parts);
        }
        fail(line, "unknown filter `" + f + "`");
    }

    const Options& options_;
    std::vector<Json> scopes_;
    std::size_t iterations_ = 0;
};

// ---------------------------------------------------------------- static variable analysis

void expr_names(const Expr& e, std::set<std::string>& out)
{
    if (e.kind == ExprKind::name) out.insert(e.name);
    for (const auto& a : e.args) expr_names(*a, out);
}

void body_names(const Body& body, const Options& options, std::set<std::string>& used, std::set<std::string>& bound, int include_depth)
{
    for (const Node& n : body) {
        if (n.expr) expr_names(*n.expr, used);
        for (const auto& [cond, b] : n.branches) {
            expr_names(*cond, used);
            body_names(b, options, used, bound, include_depth);
        }
        body_names(n.body, options, used, bound, include_depth);
        body_names(n.else_body, options, used, bound, include_depth);
        for (const auto& t : n.targets) bound.insert(t);
        if (n.kind == NodeKind::set) bound.insert(n.text);
        if (n.kind == NodeKind::include && n.expr->kind == ExprKind::literal && n.expr->literal.is_string() &&
            !options.include_dir.empty() && include_depth < max_include_depth) {
            try {
                const std::string text = Renderer::read_include(options.include_dir, n.expr->literal.get<std::string>(), n.line);
                body_names(parse_template(text), options, used, bound, include_depth + 1);
            } catch (const Error&) {
                // A missing include is reported when rendering, with its line.
            }
        }
    }
}

} // namespace

std::string render(const std::string& source, const Json& variables, const Options& options)
{
    if (!has_template_syntax(source)) return source;
    const Body body = parse_template(source);
    Renderer r(options, variables);
    std::string out;
    r.render(body, out, 0);
    return out;
}

std::set<std::string> free_variables(const std::string& source, const Options& options)
{
    std::set<std::string> used, bound;
    if (!has_template_syntax(source)) return used;
    body_names(parse_template(source), options, used, bound, 0);
    bound.insert("loop");
    for (const auto& b : bound) used.erase(b);
    return used;
}

bool has_template_syntax(const std::string& text)
{
    return text.find("{{") != std::string::npos || text.find("{%") != std::string::npos || text.find("{#") != std::string::npos;
}

} // namespace gaggle::recipe_template

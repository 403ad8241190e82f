"""Generates audience exports and times campaign-lint against DuckDB on them.

The campaign is samples/campaigns/free-phone.eml (English; offers the BRAVIA X85J TV and the
Xperia 5 V phone). The question both tools answer: how many recipients do not read
English, own one of the offered products, or must not be mailed. The counts are compared
in every run, so a fast wrong answer cannot pass.

Three export shapes (`--shape`), each as CSV or JSON Lines (`--format`):

- classic: six columns, every row the same first name and country, owned products from 7 SKUs
  (so almost every row has a shape campaign-lint has seen before);
- mailchimp: a Mailchimp audience export with its real columns, first and last names drawn
  from a few thousand, 0-8 owned products from 20,000 SKUs (the catalogue's among them), 12
  language tags in mixed spellings, quoted cells with commas and quotes, empty cells;
- shopify: a Shopify customers export with an orders export (one row per line item) joined
  with `--owned`: the line items' SKUs are what a customer owns.

Generation is seeded (the same file every time) and streams; files are kept in
$CARGO_TARGET_DIR/bench-data (target/bench-data) and reused.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

# Runs per tool and export; the two tools take turns, so that a slow spell of this shared
# machine falls on both.
RUNS = int(os.environ.get("RUNS", "7"))
TARGET = os.environ.get("CARGO_TARGET_DIR", "target")
DATA = f"{TARGET}/bench-data"
BIN = f"{TARGET}/release/campaign-lint"
CAMPAIGN = "samples/campaigns/free-phone.eml"
CATALOG = "samples/catalog.toml"
ENGLISH = ["en", "en-GB", "en-US", "English"]
LANGS = ENGLISH + ["de", "de-DE", "Deutsch", "fr", "fr-FR", "es", "it", "nl", "sv", "pl"]
SKUS = ["KD-55X85J", "KD-65X90L", "XQ-DQ54", "XQ-CT54", "SPK-HCF", "SPK-HCF-OR", "SU-WL855"]
OFFERED = ["KD-55X85J", "XQ-DQ54"]
# Every SKU of samples/catalog.toml: these turn up among the 20,000 of the realistic exports.
CATALOGUE = SKUS + ["SPK-HCF-GR", "SPK-HCF-DS"]
# Twelve language tags as exports spell them (cased and separated every which way).
MIXED_LANGS = ["en", "en-US", "EN_gb", "de-DE", "de", "fr", "fr-FR", "es", "it", "nl", "pt-BR", "ja"]
LANG_WEIGHTS = [20, 12, 8, 10, 8, 6, 4, 6, 5, 4, 4, 3]


def generate_classic(rows, fmt):
    """The original export: six columns, few distinct shapes."""
    os.makedirs(DATA, exist_ok=True)
    csv_path = f"{DATA}/audience-{rows}.csv"
    jsonl_path = f"{DATA}/audience-{rows}.jsonl"
    if not (os.path.exists(csv_path) and os.path.exists(jsonl_path)):
        rnd = random.Random(rows)
        with open(csv_path + ".part", "w") as c, open(jsonl_path + ".part", "w") as j:
            c.write("email,first_name,language,country,owned_products,status\n")
            for i in range(rows):
                lang = rnd.choice(LANGS)
                owned = rnd.sample(SKUS, rnd.choice([0, 0, 0, 1, 1, 2, 3, 5]))
                status = "unsubscribed" if rnd.random() < 0.03 else ("cleaned" if rnd.random() < 0.01 else "subscribed")
                email = f"user{i}@example.com"
                c.write(f"{email},Ann,{lang},DE,{';'.join(owned)},{status}\n")
                j.write(json.dumps({"email": email, "first_name": "Ann", "language": lang, "country": "DE",
                                    "owned_products": owned, "status": status}) + "\n")
        os.replace(csv_path + ".part", csv_path)
        os.replace(jsonl_path + ".part", jsonl_path)
    return {"csv": csv_path, "jsonl": jsonl_path}[fmt], []


# --- pools shared by the realistic exports (built once, seeded) ---------------------------

SYLLABLES = ["an", "ber", "ca", "da", "el", "fin", "ga", "ha", "is", "jo", "ka", "lin", "ma", "no",
             "ol", "pe", "ra", "sa", "ti", "ul", "va", "wen", "xa", "yo", "zel", "mi", "lu", "re",
             "to", "sven", "ki", "mo", "ne", "bo", "fe", "gu", "ja", "ri", "so", "ta"]
REAL_FIRST = ["Zoë", "José", "Søren", "Łukasz", "Chloé", "Jürgen", "Ana María", "O'Neil", "Björn",
              "Renée", "Ines", "Mateus", "Yuki", "Hana", "Noah", "Giulia", "Anna", "Lukas"]
REAL_LAST = ["Müller", "O'Brien", "García López", "Nguyễn", "Dupont-Moreau", "Smith", "Rossi",
             "van der Berg", "Kowalski", "Tanaka", "Schmidt", "Andersson", "de Souza"]


def names(rnd, count, real):
    """`count` distinct capitalised names from syllables, plus some real ones."""
    out = set(real)
    while len(out) < count:
        out.add("".join(rnd.choice(SYLLABLES) for _ in range(rnd.choice([2, 2, 3]))).capitalize())
    return sorted(out)


def slug(name):
    """An address's local part from a name (ASCII)."""
    table = str.maketrans("ëéèøłüöäáíñçễ", "eeeoluoaaince", " '")
    return name.lower().translate(table).encode("ascii", "ignore").decode()


def csv_cell(text):
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


class Pools:
    def __init__(self):
        rnd = random.Random(2026)
        self.first = names(rnd, 3000, REAL_FIRST)
        self.last = names(rnd, 4000, REAL_LAST)
        self.first_slug = [slug(n) for n in self.first]
        self.last_slug = [slug(n) for n in self.last]
        # 20,000 SKUs, the catalogue's among them.
        prefixes = ["KD", "XQ", "SPK", "SU", "WH", "HT", "SRS", "ILCE", "DSC", "HDR", "BDP", "STR"]
        skus = set(CATALOGUE)
        while len(skus) < 20_000:
            skus.add(f"{rnd.choice(prefixes)}-{rnd.randrange(10, 99)}{rnd.choice('ABCDEFGHJKLMNPRSTVXZ')}"
                     f"{rnd.randrange(10, 999)}")
        self.skus = sorted(skus)
        self.domains = ["gmail.com", "yahoo.com", "outlook.com", "web.de", "gmx.de", "orange.fr",
                        "libero.it", "hotmail.com", "icloud.com", "example.com", "t-online.de", "ziggo.nl"]
        self.times = [f"{rnd.randrange(2015, 2025)}-{rnd.randrange(1, 13):02}-{rnd.randrange(1, 29):02} "
                      f"{rnd.randrange(24):02}:{rnd.randrange(60):02}:{rnd.randrange(60):02}" for _ in range(5000)]
        self.countries = [
            # CC, region, timezone, GMTOFF, DSTOFF, city, zip, phone prefix, latitude, longitude
            ("DE", "HH", "Europe/Berlin", 1, 2, "Hamburg", "20095", "+49 40", 53.55, 9.99),
            ("DE", "BE", "Europe/Berlin", 1, 2, "Berlin", "10115", "+49 30", 52.52, 13.40),
            ("GB", "ENG", "Europe/London", 0, 1, "London", "SW1A 1AA", "+44 20", 51.50, -0.12),
            ("US", "NY", "America/New_York", -5, -4, "New York", "10001", "+1 212", 40.71, -74.00),
            ("FR", "IDF", "Europe/Paris", 1, 2, "Paris", "75001", "+33 1", 48.85, 2.35),
            ("ES", "MD", "Europe/Madrid", 1, 2, "Madrid", "28001", "+34 91", 40.41, -3.70),
            ("IT", "LAZ", "Europe/Rome", 1, 2, "Roma", "00184", "+39 06", 41.90, 12.49),
            ("NL", "NH", "Europe/Amsterdam", 1, 2, "Amsterdam", "1011", "+31 20", 52.37, 4.89),
            ("BR", "SP", "America/Sao_Paulo", -3, -3, "São Paulo", "01000-000", "+55 11", -23.55, -46.63),
            ("JP", "13", "Asia/Tokyo", 9, 9, "Tokyo", "100-0001", "+81 3", 35.68, 139.69),
        ]
        self.streets = ["Hauptstraße", "High Street", "Rue de la Paix", "Calle Mayor", "Via Roma",
                        "Kerkstraat", "Main St", "Rua Augusta", "Chuo-dori", "Musterstraße"]
        self.notes = ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
                      "VIP, call before shipping", 'Asked for the "spring" catalogue', "moved, new address pending",
                      "Prefers post; no calls", "Complained about delivery, 2023"]
        self.tags = ["", "", "", "Customer", "Newsletter", "Customer, VIP", "Club, Newsletter",
                     "Imported 2021", "Black Friday 2023, Customer"]
        self.rnd = rnd


_POOLS = None


def pools():
    global _POOLS
    if _POOLS is None:
        _POOLS = Pools()
    return _POOLS


def pick_lang(rnd):
    if rnd.random() < 0.04:
        return ""
    return rnd.choices(MIXED_LANGS, LANG_WEIGHTS)[0]


def pick_skus(rnd, p, most):
    """0..most owned SKUs from 20,000; one in 25 is a catalogue SKU."""
    n = min(most, rnd.choice([0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8]))
    out = []
    for _ in range(n):
        sku = rnd.choice(CATALOGUE) if rnd.random() < 0.04 else rnd.choice(p.skus)
        if sku not in out:
            out.append(sku)
    return out


def person(rnd, p, i):
    f, l = rnd.randrange(len(p.first)), rnd.randrange(len(p.last))
    first = "" if rnd.random() < 0.05 else p.first[f]
    last = "" if rnd.random() < 0.05 else p.last[l]
    local = f"{p.first_slug[f]}.{p.last_slug[l]}{i}"
    if rnd.random() < 0.02:
        local = local.capitalize()
    return first, last, f"{local}@{rnd.choice(p.domains)}"


MAILCHIMP_COLUMNS = ["Email Address", "First Name", "Last Name", "Address", "Phone Number", "Birthday",
                     "MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LATITUDE",
                     "LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE", "CC", "REGION", "LAST_CHANGED", "LEID",
                     "EUID", "NOTES", "TAGS", "Language", "Products", "UNSUB_TIME", "CLEAN_TIME"]


def generate_mailchimp(rows, fmt):
    """A Mailchimp audience export (the subscribed, unsubscribed and cleaned files of one
    audience in one: UNSUB_TIME or CLEAN_TIME is set on the rows that left or bounced),
    with a language merge field and an owned-products merge field."""
    os.makedirs(DATA, exist_ok=True)
    path = f"{DATA}/mailchimp-{rows}.{fmt}"
    if os.path.exists(path):
        return path, []
    p = pools()
    rnd = random.Random(rows * 31 + 1)
    # The columns between the names and the language vary little with the person: a pool
    # of 20,000 such middles keeps generation fast (10M rows: see the README).
    middles = []
    for _ in range(20_000):
        cc, region, tz, gmt, dst, city, zipc, prefix, lat, lon = rnd.choice(p.countries)
        street = f"{rnd.randrange(1, 200)} {rnd.choice(p.streets)}"
        if rnd.random() < 0.3:
            street = f"Flat {rnd.randrange(1, 40)}, {street}"
        address = "" if rnd.random() < 0.15 else f"{street}  {city}  {region}  {zipc}  {cc}"
        phone = "" if rnd.random() < 0.4 else f"{prefix} {rnd.randrange(1000000, 9999999)}"
        birthday = "" if rnd.random() < 0.5 else f"{rnd.randrange(1, 13):02}/{rnd.randrange(1, 29):02}"
        ip = lambda: "" if rnd.random() < 0.3 else ".".join(str(rnd.randrange(1, 255)) for _ in range(4))
        values = [address, phone, birthday, str(rnd.randrange(1, 6)), rnd.choice(p.times), ip(),
                  rnd.choice(p.times), ip(), f"{lat + rnd.uniform(-0.1, 0.1):.7f}",
                  f"{lon + rnd.uniform(-0.1, 0.1):.7f}", str(gmt), str(dst), tz, cc, region,
                  rnd.choice(p.times)]
        if rnd.random() < 0.2:  # not geolocated
            values[8:15] = ["", "", "", "", "", "", ""]
        if fmt == "csv":
            middles.append(",".join(csv_cell(v) for v in values))
        else:
            keys = MAILCHIMP_COLUMNS[3:19]
            as_json = {k: (None if v == "" else v) for k, v in zip(keys, values)}
            as_json["MEMBER_RATING"] = int(values[3])
            for k in ("LATITUDE", "LONGITUDE"):
                if as_json[k] is not None:
                    as_json[k] = float(as_json[k])
            middles.append(json.dumps(as_json, ensure_ascii=False)[1:-1])
    mailchimp_tags = [",".join(f'"{t.strip()}"' for t in tags.split(",")) if tags else "" for tags in p.tags]
    # Written beside and renamed when complete: an interrupted run leaves no short file.
    with open(path + ".part", "w") as out:
        if fmt == "csv":
            out.write(",".join(MAILCHIMP_COLUMNS) + "\n")
        for i in range(rows):
            first, last, email = person(rnd, p, i)
            middle = rnd.choice(middles)
            leid, euid = 100_000_000 + i, f"{rnd.getrandbits(40):010x}"
            note, tags = rnd.choice(p.notes), rnd.choice(mailchimp_tags)
            lang = pick_lang(rnd)
            owned = pick_skus(rnd, p, 8)
            r = rnd.random()
            unsub = rnd.choice(p.times) if r < 0.03 else ""
            clean = rnd.choice(p.times) if 0.03 <= r < 0.04 else ""
            if fmt == "csv":
                out.write(f"{email},{csv_cell(first)},{csv_cell(last)},{middle},{leid},{euid},"
                          f"{csv_cell(note)},{csv_cell(tags)},{lang},{';'.join(owned)},{unsub},{clean}\n")
            else:
                d = json.dumps
                out.write(f'{{"Email Address": {d(email)}, "First Name": {d(first, ensure_ascii=False)}, '
                          f'"Last Name": {d(last, ensure_ascii=False)}, {middle}, "LEID": {leid}, '
                          f'"EUID": "{euid}", "NOTES": {d(note or None)}, "TAGS": {d(tags or None)}, '
                          f'"Language": {d(lang or None)}, "Products": {d(owned)}, '
                          f'"UNSUB_TIME": {d(unsub or None)}, "CLEAN_TIME": {d(clean or None)}}}\n')
    os.replace(path + ".part", path)
    return path, []


SHOPIFY_CUSTOMERS = ["Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
                     "Default Address Company", "Default Address Address1", "Default Address Address2",
                     "Default Address City", "Default Address Province Code", "Default Address Country Code",
                     "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
                     "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags", "Language"]
SHOPIFY_ORDERS = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
                  "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
                  "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
                  "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
                  "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
                  "Billing City", "Billing Zip", "Billing Country", "Shipping Name", "Shipping Street",
                  "Shipping City", "Shipping Zip", "Shipping Country", "Notes", "Cancelled at",
                  "Payment Method", "Refunded Amount", "Vendor", "Id", "Tags", "Risk Level", "Source", "Phone"]


def generate_shopify(rows, fmt):
    """A Shopify customers export (plus a `Language` column, the shopify preset's name for
    a field Shopify's own export lacks) and its orders export, one row per line item, the
    email on an order's first line only (as Shopify writes it). The orders file is the same
    for both formats."""
    os.makedirs(DATA, exist_ok=True)
    path = f"{DATA}/shopify-customers-{rows}.{fmt}"
    orders_path = f"{DATA}/shopify-orders-{rows}.csv"
    if os.path.exists(path) and os.path.exists(orders_path):
        return path, ["--owned", orders_path]
    p = pools()
    rnd = random.Random(rows * 37 + 2)  # the customers
    ornd = random.Random(rows * 41 + 3)  # their orders: the same whatever the format
    order_no = 1000
    with open(path + ".part", "w") as out, open(orders_path + ".part", "w") as orders:
        if fmt == "csv":
            out.write(",".join(SHOPIFY_CUSTOMERS) + "\n")
        orders.write(",".join(SHOPIFY_ORDERS) + "\n")

        def write_order(email, name, cc):
            nonlocal order_no
            order_no += 1
            lines = []
            for _ in range(ornd.choice([1, 1, 1, 2, 2, 3])):
                r = ornd.random()
                sku = "" if r < 0.03 else (ornd.choice(CATALOGUE) if r < 0.08 else ornd.choice(p.skus))
                price = ornd.randrange(500, 150_000) / 100
                lines.append((sku, price, ornd.randrange(1, 3)))
            subtotal = sum(price * q for _, price, q in lines)
            when = ornd.choice(p.times)
            for n, (sku, price, qty) in enumerate(lines):
                item = f"Product {sku}" if sku else "Gift wrapping, custom"
                line = [""] * len(SHOPIFY_ORDERS)
                line[0] = f"#{order_no}"
                line[16:24] = [str(qty), item, f"{price:.2f}", "", sku, "true", "true", "fulfilled"]
                if n == 0:
                    line[1:16] = [email, "paid", when + " +0100", "fulfilled", when + " +0100", "yes", "EUR",
                                  f"{subtotal:.2f}", "4.90", f"{subtotal * 0.19:.2f}", f"{subtotal + 4.90:.2f}",
                                  "", "0.00", "Standard", when + " +0100"]
                    line[24:34] = [name, "1 Main St", "City", "12345", cc, name, "1 Main St", "City",
                                   "12345", cc]
                    line[36] = "Shopify Payments"
                    line[37] = "0.00"
                    line[39] = str(5_000_000_000 + order_no)
                    line[41] = "Low"
                    line[42] = "web"
                line[38] = "Nordlicht"
                orders.write(",".join(csv_cell(c) for c in line) + "\n")
            return subtotal

        for i in range(rows):
            first, last, email = person(rnd, p, i)
            cc, region, _, _, _, city, zipc, prefix, _, _ = rnd.choice(p.countries)
            accepts = "yes" if rnd.random() < 0.65 else "no"
            lang = pick_lang(rnd)
            phone = "" if rnd.random() < 0.5 else f"'{prefix} {rnd.randrange(1000000, 9999999)}"
            company = "" if rnd.random() < 0.9 else "Nordlicht, Hamburg"
            street = f"{rnd.randrange(1, 200)} {rnd.choice(p.streets)}"
            address2 = "" if rnd.random() < 0.8 else f"Apt {rnd.randrange(1, 50)}"
            note, tags = rnd.choice(p.notes), rnd.choice(p.tags)
            # Orders: most customers have none, some several; a few orders are placed with
            # the address in other capitals.
            count = ornd.choice([0, 0, 0, 0, 0, 1, 1, 2, 3])
            order_email = email.upper() if ornd.random() < 0.05 else email
            spent = sum(write_order(order_email, f"{first} {last}".strip(), cc) for _ in range(count))
            if ornd.random() < 0.05:  # a guest checkout, not a customer of this export
                write_order(f"guest{i}@example.net", "Guest", cc)
            values = [str(7_000_000_000_000 + i), first, last, email, accepts, company, street, address2,
                      city, region, cc, zipc, phone, phone, "no", f"{spent:.2f}", str(count), note, "no",
                      tags, lang]
            if fmt == "csv":
                out.write(",".join(csv_cell(v) for v in values) + "\n")
            else:
                row = {k: (v if v != "" else None) for k, v in zip(SHOPIFY_CUSTOMERS, values)}
                row["Customer ID"] = int(values[0])
                row["Total Orders"] = count
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(path + ".part", path)
    os.replace(orders_path + ".part", orders_path)
    return path, ["--owned", orders_path]


def timed(cmd, ok=(0,)):
    """Wall seconds and peak RSS (MB) of one whole process, and its stdout."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if p.returncode not in ok:
        sys.exit(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    rss_kb = int(p.stderr.strip().splitlines()[-1])
    return wall, rss_kb / 1024, p.stdout


def full_catalog():
    """samples/catalog.toml with the other 19,991 SKUs of the realistic exports as products
    (no line, so that owning one changes nothing for this campaign): a shop's catalogue
    knows what it sold, so unknown-owned-product has nothing to report."""
    path = f"{DATA}/catalog-20000.toml"
    if not os.path.exists(path):
        os.makedirs(DATA, exist_ok=True)
        with open(CATALOG) as f, open(path + ".part", "w") as out:
            out.write(f.read())
            for sku in pools().skus:
                if sku not in CATALOGUE:
                    out.write(f'\n[[product]]\nsku = "{sku}"\nname = "Model {sku}"\nkind = "product"\n')
        os.replace(path + ".part", path)
    return path


def campaign_lint(path, extra, catalog):
    cmd = [BIN, "check", CAMPAIGN, "--audience", path, "--catalog", catalog, "--format", "json"] + extra
    wall, rss, out = timed(cmd, ok=(0, 1))
    summary = json.loads(out)["summary"]["audience"]
    rules = summary["rule_recipients"]
    counts = (rules.get("language-mismatch", 0), rules.get("owned-product-offer", 0),
              rules.get("suppressed-recipient", 0))
    if summary.get("rows_skipped"):
        sys.exit(f"{path}: campaign-lint skipped {summary['rows_skipped']} rows: {summary}")
    return wall, rss, counts


def sql_list(items):
    return ", ".join(f"'{s.lower()}'" for s in items)


def not_english(column):
    """A language cell that is empty or names a language other than English (the primary
    subtag of a tag spelled `EN_gb`, `en-US` or `de`): language-mismatch reports both (a
    recipient with no language is a warning)."""
    return (f"(nullif(trim({column}), '') IS NULL OR "
            f"lower(regexp_extract(trim({column}), '^[^-_]*')) <> 'en')")


def classic_sql(path):
    english = sql_list(ENGLISH)
    if path.endswith(".csv"):
        source = f"read_csv('{path}', header=true, all_varchar=true)"
        owned = " OR ".join(f"list_contains(string_split(owned_products, ';'), '{s}')" for s in OFFERED)
    else:
        source = f"read_json('{path}', format='newline_delimited')"
        owned = " OR ".join(f"list_contains(owned_products, '{s}')" for s in OFFERED)
    return (f"SELECT count(*) FILTER (WHERE lower(language) NOT IN ({english})), "
            f"count(*) FILTER (WHERE {owned}), "
            f"count(*) FILTER (WHERE status IN ('unsubscribed', 'cleaned')) FROM {source}")


def mailchimp_sql(path):
    if path.endswith(".csv"):
        source = (f"read_csv('{path}', header=true, all_varchar=true, delim=',', quote='\"', "
                  f"escape='\"')")
        products = "string_split(Products, ';')"
        suppressed = "(nullif(UNSUB_TIME, '') IS NOT NULL OR nullif(CLEAN_TIME, '') IS NOT NULL)"
    else:
        source = f"read_json('{path}', format='newline_delimited')"
        products = "Products"
        # DuckDB reads these as timestamps: null when not set.
        suppressed = "(UNSUB_TIME IS NOT NULL OR CLEAN_TIME IS NOT NULL)"
    owned = f"len(list_intersect(list_transform({products}, lambda x: lower(trim(x))), [{sql_list(OFFERED)}])) > 0"
    return (f"SELECT count(*) FILTER (WHERE {not_english('Language')}), "
            f"count(*) FILTER (WHERE {owned}), count(*) FILTER (WHERE {suppressed}) FROM {source}")


def shopify_sql(path, orders):
    if path.endswith(".csv"):
        source = f"read_csv('{path}', header=true, all_varchar=true, delim=',', quote='\"', escape='\"')"
    else:
        source = f"read_json('{path}', format='newline_delimited')"
    # An order's later line items carry no email: they inherit the first line's (by Name).
    lines = (f"SELECT lower(max(nullif(Email, '')) OVER (PARTITION BY Name)) AS email, \"Lineitem sku\" AS sku "
             f"FROM read_csv('{orders}', header=true, all_varchar=true, delim=',', quote='\"', escape='\"')")
    return (f"WITH lines AS ({lines}), "
            f"owners AS (SELECT DISTINCT email FROM lines WHERE lower(trim(sku)) IN ({sql_list(OFFERED)})) "
            f"SELECT count(*) FILTER (WHERE {not_english('c.Language')}), "
            f"count(*) FILTER (WHERE lower(c.Email) IN (SELECT email FROM owners)), "
            f"count(*) FILTER (WHERE lower(c.\"Accepts Email Marketing\") = 'no') FROM {source} AS c")


def duckdb(sql):
    # No progress bar: on long queries DuckDB draws one on the terminal or stdout.
    script = ("import duckdb; duckdb.execute('SET enable_progress_bar = false'); "
              f"print(list(duckdb.sql({sql!r}).fetchall()[0]))")
    wall, rss, out = timed([sys.executable, "-c", script])
    return wall, rss, tuple(json.loads(out.strip().splitlines()[-1]))


SHAPES = {"classic": generate_classic, "mailchimp": generate_mailchimp, "shopify": generate_shopify}


def question(shape, path, extra):
    if shape == "classic":
        return classic_sql(path)
    if shape == "mailchimp":
        return mailchimp_sql(path)
    return shopify_sql(path, extra[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--shape", choices=sorted(SHAPES), default="classic")
    parser.add_argument("--format", choices=["csv", "jsonl", "both"], default="both")
    parser.add_argument("--catalog", choices=["sample", "full"], default="sample",
                        help="samples/catalog.toml (9 products: most owned SKUs are unknown to it, "
                             "unknown-owned-product reports them), or it with all 20,000 SKUs")
    parser.add_argument("--generate-only", action="store_true", help="write the exports, time nothing")
    args = parser.parse_args()
    catalog = full_catalog() if args.catalog == "full" else CATALOG
    formats = ["csv", "jsonl"] if args.format == "both" else [args.format]
    if not args.generate_only:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        print(f"commit {commit.stdout.strip()}, shape {args.shape}, catalog {catalog}, {RUNS} runs each")
        print(f"{'export':36} {'tool':14} {'median s':>9} {'min s':>7} {'peak MB':>8} {'rows/s':>12}  counts")
    for rows in args.rows:
        for fmt in formats:
            start = time.perf_counter()
            path, extra = SHAPES[args.shape](rows, fmt)
            if args.generate_only:
                print(f"{path}: {time.perf_counter() - start:.1f} s")
                continue
            sql = question(args.shape, path, extra)
            tools = (("campaign-lint", lambda: campaign_lint(path, extra, catalog)), ("duckdb", lambda: duckdb(sql)))
            runs = {name: [] for name, _ in tools}
            for _ in range(RUNS):
                for name, tool in tools:
                    runs[name].append(tool())
                # Every run must give DuckDB's counts, not only most of them.
                got, want = runs["campaign-lint"][-1][2], runs["duckdb"][-1][2]
                if got != want:
                    sys.exit(f"{path}: COUNTS DIFFER: campaign-lint {got}, DuckDB {want}")
            medians = {}
            for name, _ in tools:
                walls = [r[0] for r in runs[name]]
                medians[name] = statistics.median(walls)
                print(f"{os.path.basename(path):36} {name:14} {medians[name]:9.3f} {min(walls):7.3f} "
                      f"{max(r[1] for r in runs[name]):8.1f} {rows / medians[name]:12,.0f}  "
                      f"{runs[name][0][2]}")
            # Each run of campaign-lint against the DuckDB run next to it.
            pairs = [a[0] / b[0] for a, b in zip(runs["campaign-lint"], runs["duckdb"])]
            print(f"{'':36} {'ratio':14} {medians['campaign-lint'] / medians['duckdb']:9.2f}   "
                  f"(of medians; median of {RUNS} side-by-side runs {statistics.median(pairs):.2f}; "
                  f"target <= 0.50)  same counts in every run", flush=True)


if __name__ == "__main__":
    main()

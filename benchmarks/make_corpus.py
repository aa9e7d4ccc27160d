"""Generate a synthetic wire corpus for benchmarks: N articles of about 500 words.

Articles recombine template sentences (written for this project) about real
countries, capitals and leaders: meetings, statements, quotes, criticism, sanctions,
aid, troop movements, protests, with relative dates and places, in wire style.
The same seed gives the same corpus, byte for byte.

    python benchmarks/make_corpus.py -n 10000 -o /tmp/corpus.jsonl.gz
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import random
import sys

# country, capital, demonym, leader (title, name), foreign minister's ministry name
COUNTRIES = [
    ("Russia", "Moscow", "Russian", "President", "Vladimir Putin"),
    ("China", "Beijing", "Chinese", "President", "Xi Jinping"),
    ("the United States", "Washington", "American", "President", "Donald Trump"),
    ("France", "Paris", "French", "President", "Emmanuel Macron"),
    ("Germany", "Berlin", "German", "Chancellor", "Friedrich Merz"),
    ("Japan", "Tokyo", "Japanese", "Prime Minister", "Shigeru Ishiba"),
    ("India", "New Delhi", "Indian", "Prime Minister", "Narendra Modi"),
    ("Brazil", "Brasilia", "Brazilian", "President", "Luiz Inacio Lula da Silva"),
    ("Turkey", "Ankara", "Turkish", "President", "Recep Tayyip Erdogan"),
    ("Kenya", "Nairobi", "Kenyan", "President", "William Ruto"),
    ("Nigeria", "Abuja", "Nigerian", "President", "Bola Tinubu"),
    ("South Africa", "Pretoria", "South African", "President", "Cyril Ramaphosa"),
    ("Poland", "Warsaw", "Polish", "Prime Minister", "Donald Tusk"),
    ("Ukraine", "Kyiv", "Ukrainian", "President", "Volodymyr Zelensky"),
    ("Iran", "Tehran", "Iranian", "President", "Masoud Pezeshkian"),
    ("Israel", "Jerusalem", "Israeli", "Prime Minister", "Benjamin Netanyahu"),
    ("Egypt", "Cairo", "Egyptian", "President", "Abdel Fattah al-Sisi"),
    ("Mexico", "Mexico City", "Mexican", "President", "Claudia Sheinbaum"),
    ("Canada", "Ottawa", "Canadian", "Prime Minister", "Mark Carney"),
    ("Indonesia", "Jakarta", "Indonesian", "President", "Prabowo Subianto"),
    ("Pakistan", "Islamabad", "Pakistani", "Prime Minister", "Shehbaz Sharif"),
    ("Argentina", "Buenos Aires", "Argentine", "President", "Javier Milei"),
    ("Ethiopia", "Addis Ababa", "Ethiopian", "Prime Minister", "Abiy Ahmed"),
    ("Vietnam", "Hanoi", "Vietnamese", "Prime Minister", "Pham Minh Chinh"),
    ("Chile", "Santiago", "Chilean", "President", "Gabriel Boric"),
    ("Ghana", "Accra", "Ghanaian", "President", "John Mahama"),
    ("Hungary", "Budapest", "Hungarian", "Prime Minister", "Viktor Orban"),
    ("Saudi Arabia", "Riyadh", "Saudi", "Crown Prince", "Mohammed bin Salman"),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
TOPICS = ["trade", "energy security", "border security", "grain exports", "climate finance",
          "nuclear energy", "migration", "debt relief", "arms control", "fisheries", "cyber security"]

HEADLINES = [
    "{A} and {B} pledge closer ties on {topic}",
    "{a_leader_last} warns {B} over {topic}",
    "{B} rejects {A}'s demands on {topic}",
    "{A} to send aid to {B} after floods",
    "Protesters rally in {a_capital} over {topic} deal with {B}",
    "{A} imposes sanctions on {B} officials",
    "{a_leader_last} and {b_leader_last} to meet in {b_capital}",
]
LEADS = [
    "{a_capital}, {month} {day_n} - {a_title} {a_leader} met {b_demonym} {b_title} {b_leader} in {a_capital} on {weekday} to discuss {topic}, officials said.",
    "{a_capital}, {month} {day_n} - {A} accused {B} on {weekday} of undermining talks on {topic}, in a sharp escalation of a months-long dispute.",
    "{a_capital}, {month} {day_n} - {a_demonym} officials said on {weekday} that {A} would send emergency aid to {B} after severe floods.",
    "{a_capital}, {month} {day_n} - Thousands of people marched through {a_capital} on {weekday} to protest against a {topic} agreement with {B}.",
    "{a_capital}, {month} {day_n} - {A} imposed sanctions on {weekday} on several {b_demonym} officials it blamed for a crackdown on protesters.",
]
BODY = [
    "\"We have agreed to deepen our cooperation on {topic},\" {a_leader_last} told reporters after the talks.",
    "{b_title} {b_leader} said {B} was ready to work with {A} but would not accept conditions imposed from outside.",
    "The {a_demonym} foreign ministry said in a statement that the two sides had signed three agreements on {topic}.",
    "{a_leader_last} said he planned to visit {b_capital} in {next_month} to continue the talks.",
    "Officials in {b_capital} criticised the move, calling it a violation of earlier commitments on {topic}.",
    "\"This is a dangerous step that will not go unanswered,\" a spokesman for the {b_demonym} government said.",
    "{A} has moved additional troops to its border with {C}, according to satellite images reviewed by analysts.",
    "The {c_demonym} government called for calm and urged both sides to return to negotiations on {topic}.",
    "Police in {a_capital} detained dozens of protesters on {weekday} evening, a rights group said.",
    "Analysts said the dispute over {topic} had strained relations between {A} and {B} for most of the year.",
    "{c_title} {c_leader} offered to mediate between {A} and {B}, saying talks could be held in {c_capital}.",
    "The United Nations said it was concerned by the rising tensions and appealed for restraint.",
    "{B} threatened to expel {a_demonym} diplomats if the sanctions were not lifted by the end of {next_month}.",
    "{a_demonym} officials said they expected a decision on {topic} within weeks, but gave no date.",
    "Trade between the two countries reached a record last year, driven by {topic} and farm goods.",
    "{b_leader_last} told parliament on {weekday} that {B} would not be pressured into concessions.",
    "The European Union said it welcomed the agreement and would support its implementation.",
    "Critics in {b_capital} said the government had given away too much in the talks on {topic}.",
    "{A} promised 200 million dollars in loans to {B} over the next three years, the ministry said.",
    "Both governments denied reports that the talks had nearly collapsed over {topic} on {weekday}.",
    "{a_leader_last} said {A} did not want a confrontation but would defend its interests.",
    "According to the statement, the ministers also discussed security in the region and the situation in {C}.",
    "\"Nobody wins from this conflict,\" {c_leader_last} said, adding that {C} had been hurt by the dispute.",
    "Markets in {a_capital} fell sharply after the announcement, traders said.",
    "The two leaders are expected to meet again in {next_month} on the sidelines of a regional summit.",
    "Human rights groups urged {A} to raise the treatment of journalists in {B} during the talks.",
    "{B} said it had summoned the {a_demonym} ambassador to protest against the remarks.",
    "The agreement still needs approval by parliament in {b_capital}, where the opposition has vowed to block it.",
]


def _fields(rng: random.Random, date: dt.date) -> dict:
    a, b, c = rng.sample(COUNTRIES, 3)

    def cap(name):
        return name[0].upper() + name[1:]

    f = {"topic": rng.choice(TOPICS), "weekday": DAYS[date.weekday()], "month": MONTHS[date.month - 1],
         "day_n": date.day, "next_month": MONTHS[date.month % 12]}
    for key, (country, capital, demonym, title, leader) in (("a", a), ("b", b), ("c", c)):
        f[key.upper()] = cap(country)
        f[f"{key}_capital"] = capital
        f[f"{key}_demonym"] = demonym
        f[f"{key}_title"] = title
        f[f"{key}_leader"] = leader
        f[f"{key}_leader_last"] = leader.split()[-1]
    return f


def make_article(i: int, seed: int = 20240601, words: int = 500) -> dict:
    rng = random.Random(f"{seed}:{i}")
    date = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))
    f = _fields(rng, date)
    title = rng.choice(HEADLINES).format(**f)
    paragraphs = [rng.choice(LEADS).format(**f)]
    count = len(paragraphs[0].split())
    body = list(BODY)
    rng.shuffle(body)
    k = 0
    while count < words:
        n = rng.randint(1, 3)
        para = " ".join(body[(k + j) % len(body)].format(**f) for j in range(n))
        k += n
        paragraphs.append(para)
        count += len(para.split())
    return {
        "id": f"bench-{i:06d}",
        "title": title,
        "published": date.isoformat(),
        "source": f"wire{rng.randrange(5)}.example",
        "url": f"http://wire.example/{date:%Y/%m/%d}/{i}",
        "text": "\n\n".join(paragraphs) + f"\n\n(Report {i}.)",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10_000, help="number of articles (default 10000)")
    parser.add_argument("-o", "--output", default="-", help="JSONL file (.gz to compress); - for stdout")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--words", type=int, default=500, help="approximate words per article")
    args = parser.parse_args(argv)
    if args.output == "-":
        out = contextlib.nullcontext(sys.stdout)
    elif args.output.endswith(".gz"):
        out = gzip.open(args.output, "wt", encoding="utf-8")
    else:
        out = open(args.output, "w", encoding="utf-8")
    with out as fh:
        for i in range(args.n):
            fh.write(json.dumps(make_article(i, args.seed, args.words), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

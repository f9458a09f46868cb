"""`miner nlp eval`, `miner nlp train` (argument checks only: training is not part of the tests)
and the loader's choice of pipeline."""
import json

import pytest
from click.testing import CliRunner

from conftest import ROOT, SHARED
from miner import config
from miner.cli import main
from miner.nlp.loader import PipelineUnavailable, describe_pipeline, resolve_pipeline

# Three sentences written for this test, in CoNLL-U with UD Dutch conventions.
SMALL_TREEBANK = """# sent_id = s1
# text = De gemeente bestrijdt discriminatie.
1\tDe\tde\tDET\tLID|bep|stan|rest\tDefinite=Def\t2\tdet\t_\t_
2\tgemeente\tgemeente\tNOUN\tN|soort|ev|basis|zijd|stan\tGender=Com|Number=Sing\t3\tnsubj\t_\t_
3\tbestrijdt\tbestrijden\tVERB\tWW|pv|tgw|met-t\tNumber=Sing|Tense=Pres|VerbForm=Fin\t0\troot\t_\t_
4\tdiscriminatie\tdiscriminatie\tNOUN\tN|soort|ev|basis|zijd|stan\tGender=Com|Number=Sing\t3\tobj\t_\tSpaceAfter=No
5\t.\t.\tPUNCT\tLET\t_\t3\tpunct\t_\t_

# sent_id = s2
# text = Jongeren melden het vaker.
1\tJongeren\tjongere\tNOUN\tN|soort|mv|basis\tNumber=Plur\t2\tnsubj\t_\t_
2\tmelden\tmelden\tVERB\tWW|pv|tgw|mv\tNumber=Plur|Tense=Pres|VerbForm=Fin\t0\troot\t_\t_
3\thet\thet\tPRON\tVNW|pers|pron|stan|red|3|ev|onz\tPerson=3|PronType=Prs\t2\tobj\t_\t_
4\tvaker\tvaak\tADJ\tADJ|vrij|comp|zonder\tDegree=Cmp\t2\tadvmod\t_\tSpaceAfter=No
5\t.\t.\tPUNCT\tLET\t_\t2\tpunct\t_\t_

# sent_id = s3
# text = Het meldpunt helpt.
1\tHet\thet\tDET\tLID|bep|stan|evon\tDefinite=Def\t2\tdet\t_\t_
2\tmeldpunt\tmeld_punt\tNOUN\tN|soort|ev|basis|onz|stan\tGender=Neut|Number=Sing\t3\tnsubj\t_\t_
3\thelpt\thelpen\tVERB\tWW|pv|tgw|met-t\tNumber=Sing|Tense=Pres|VerbForm=Fin\t0\troot\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\tLET\t_\t3\tpunct\t_\t_

"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text(f'[store]\nmodels_dir = "{ROOT / "models"}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MINER_CONFIG", raising=False)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_eval_scores_a_treebank_as_json(project):
    (project / "small.conllu").write_text(SMALL_TREEBANK, encoding="utf-8")
    result = run("nlp", "eval", "--conllu", "small.conllu", "--json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["sentences"] == 3 and scores["words"] == 14
    for key in ("tag", "pos", "morph", "lemma", "uas", "las", "sentence_f"):
        assert 0.5 <= scores[key] <= 1.0, key
    assert scores["words_per_second"] > 0
    assert "nl_miner" in scores["pipeline"] or "nl_core_news_sm" in scores["pipeline"]
    assert scores["sentences_per_doc"] == 10
    single = json.loads(run("nlp", "eval", "--conllu", "small.conllu", "--json", "--sentences-per-doc", "1").output)
    assert single["sentences_per_doc"] == 1 and single["words"] == 14 and single["sentence_f"] >= scores["sentence_f"]


def test_eval_text_report(project):
    (project / "small.conllu").write_text(SMALL_TREEBANK, encoding="utf-8")
    result = run("nlp", "eval", "--conllu", "small.conllu")
    assert result.exit_code == 0, result.output
    for label in ("TAG", "POS", "MORPH", "LEMMA", "UAS", "LAS", "sentence F", "words/s"):
        assert label in result.output


@pytest.mark.parametrize("content, fragment", [(None, "does not exist"), ("", "contains no sentences"),
                                               ("1\tkapot\n\n", "not a readable CoNLL-U file")])
def test_eval_bad_input_is_one_clear_line(project, content, fragment):
    if content is not None:
        (project / "bad.conllu").write_text(content, encoding="utf-8")
    result = run("nlp", "eval", "--conllu", "bad.conllu")
    assert result.exit_code == 2
    assert fragment in result.output and result.output.count("\n") == 1


def test_train_without_treebanks_says_what_is_missing(project):
    result = run("nlp", "train", "--ud-dir", str(project / "nowhere"))
    assert result.exit_code == 2
    assert "alpino-v2.16-test.conllu missing" in result.output
    assert not (project / "nowhere").exists()


def test_auto_uses_the_shipped_pipeline_or_says_what_to_do(tmp_path, monkeypatch):
    shipped = config.from_dict({"store": {"models_dir": str(ROOT / "models")}}, root=tmp_path)
    target, description = resolve_pipeline(shipped)
    assert description.startswith(("nl_core_news_sm", "nl_miner"))
    empty = config.from_dict({"store": {"models_dir": str(tmp_path)}}, root=tmp_path)
    if target == "nl_core_news_sm":
        pytest.skip("nl_core_news_sm is installed, so auto never falls back")
    # a config whose models_dir is empty still finds the checkout's pipeline ...
    assert resolve_pipeline(empty)[0] == str(ROOT / "models" / "nl_miner")
    # ... and without that one there is nothing to load
    import miner.nlp.loader as loader
    monkeypatch.setattr(loader, "CHECKOUT_MODELS", tmp_path / "nothing")
    with pytest.raises(PipelineUnavailable, match="miner nlp train"):
        resolve_pipeline(empty)
    assert describe_pipeline(empty).startswith("none:")


@pytest.mark.skipif(not (SHARED / "data" / "ud_dutch").exists(), reason="needs ../shared/data/ud_dutch")
def test_default_test_set_is_found(project):
    from miner.cli.nlp_cmds import TEST_SET, configured_ud_dir
    cfg = config.from_dict({"nlp": {"ud_dir": str(SHARED / "data" / "ud_dutch")}}, root=project)
    assert (configured_ud_dir(cfg) / TEST_SET).exists()


def test_status_names_the_pipeline_before_any_document_was_added(project):
    result = run("status")
    assert result.exit_code == 0, result.output
    assert "nlp pipeline:" in result.output and ("nl_miner" in result.output or "nl_core_news_sm" in result.output)
    assert "database: none yet" in result.output

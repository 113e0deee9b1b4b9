import pytest

from storyline import ConfigError, StorylineConfig, load_config


def test_bad_value_names_the_field():
    with pytest.raises(ConfigError, match=r"cluster\.threshold"):
        StorylineConfig().replace("cluster", threshold=1.5)


def test_unknown_field_and_section_are_refused():
    with pytest.raises(ConfigError, match="unknown field"):
        StorylineConfig().replace("cluster", nope=1)
    with pytest.raises(ConfigError, match="unknown config section"):
        StorylineConfig().replace("nope", x=1)


def test_toml_overrides(tmp_path):
    path = tmp_path / "storyline.toml"
    path.write_text("[summarize]\nmax_sentences = 3\n[ingest]\nextensions = ['.txt']\n")
    config = load_config(path)
    assert config.summarize.max_sentences == 3
    assert config.ingest.extensions == (".txt",)
    assert config.cluster == StorylineConfig().cluster


def test_missing_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[cluster\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)

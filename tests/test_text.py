"""nnlearn.text: the text of hidden layer sizes (the CLI's --hidden) and of confusion matrices."""

import numpy as np
import pytest

from nnlearn.text import format_confusion, format_hidden, hidden_syntax, parse_hidden


@pytest.mark.parametrize(
    "text, sizes",
    [("25", (25,)), ("64,32", (64, 32)), (" 8 , 4 ,2 ", (8, 4, 2)), ("none", ()), ("None", ()), (" NONE ", ())],
)
def test_parse_hidden(text, sizes):
    assert parse_hidden(text) == sizes


@pytest.mark.parametrize("sizes", [(25,), (64, 32), (1, 2, 3, 4), ()])
def test_format_and_parse_hidden_round_trip(sizes):
    assert parse_hidden(format_hidden(sizes)) == sizes


def test_format_hidden():
    assert (format_hidden((64, 32)), format_hidden(25), format_hidden([7]), format_hidden(())) == ("64,32", "25", "7", "none")


@pytest.mark.parametrize("text", ["", " ", "25,", ",25", "25,,3", "25,x", "2.5", "0", "64,0", "-3", "nothing"])
def test_parse_hidden_refuses_what_is_not_a_network(text):
    with pytest.raises(ValueError, match=r"^The 'text' parameter of parse_hidden must be units per hidden layer "
                                         r"joined by commas such as 25 or 64,32, or none for no hidden layer\. Got "):
        parse_hidden(text)


def test_parse_hidden_names_the_given_argument_and_door():
    with pytest.raises(ValueError, match=r"^The '--hidden' option of nnlearn report must be units per hidden layer "
                                         r"joined by commas such as 25 or 64,32 \(at least 1 hidden layer\)\. "
                                         r"Got 'none' instead\.$"):
        parse_hidden("none", "--hidden", "nnlearn report", min_layers=1)
    assert parse_hidden("5", "--hidden", "nnlearn report", min_layers=1) == (5,)
    assert hidden_syntax(2).endswith("(at least 2 hidden layers)")


def test_parse_hidden_refuses_a_non_str():
    with pytest.raises(TypeError, match=r"The 'text' parameter of parse_hidden must be a str of units per hidden "
                                        r"layer .* Got \(64, 32\) instead\."):
        parse_hidden((64, 32))


@pytest.mark.parametrize(
    "sizes, error", [((0,), ValueError), ("64,32", TypeError), ((2.5,), TypeError), (None, TypeError)]
)
def test_format_hidden_refuses_bad_sizes(sizes, error):
    with pytest.raises(error, match=r"The 'hidden_layer_sizes' parameter of format_hidden must be an int or a tuple"):
        format_hidden(sizes)


def test_format_confusion_aligns_labels_and_counts():
    text = format_confusion(np.array(["cat", "hippopotamus"]), np.array([[3, 12345], [0, 7]]))
    assert text.splitlines() == [
        "   true\\pred           cat hippopotamus",
        "         cat             3        12345",
        "hippopotamus             0            7",
    ]


def test_format_confusion_of_digits_from_lists():
    text = format_confusion([0, 1], [[5, 1], [2, 4]])
    assert text == "true\\pred     0    1\n        0     5    1\n        1     2    4"


@pytest.mark.parametrize(
    "labels, counts, error, match",
    [
        ([], np.zeros((0, 0)), ValueError, r"The 'labels' parameter of format_confusion must be a non-empty 1-D array"),
        ([[0, 1]], np.zeros((2, 2)), ValueError, r"'labels' parameter of format_confusion"),
        ([0, 1], np.zeros((2, 3)), ValueError,
         r"The 'counts' parameter of format_confusion must be an array of shape \(2, 2\) \(one row and column per "
         r"label\)\. Got shape \(2, 3\) instead\."),
        ([0, 1], [["a", "b"], ["c", "d"]], TypeError, r"The 'counts' parameter of format_confusion must be a \(K, K\) array"),
    ],
)
def test_format_confusion_bad_arguments(labels, counts, error, match):
    with pytest.raises(error, match=match):
        format_confusion(labels, counts)

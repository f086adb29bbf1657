"""The report's fixed choices: its section titles, the experiment grids and the settings of each section."""

# The sections a report can have, by key, and their headings (without the number).
TITLES = {
    "data": "The data",
    "model": "Model representation",
    "cost": "Cost",
    "sigmoid": "Sigmoid gradient",
    "gradcheck": "Gradient check",
    "training": "Training",
    "hidden": "Hidden layer",
    "experiments": "Experiments: regularization and iterations",
    "planar": "Planar data",
    "boundary": "Decision boundary",
    "confusion": "Confusion matrix and mistakes",
    "confusion only": "Confusion matrix",
    "regression": "Predictions and residuals",
}
# The sections of the report on the course's digits (digits20 or the course's .mat files), in order.
COURSE_SECTIONS = ("data", "model", "cost", "sigmoid", "gradcheck", "training", "hidden", "experiments", "planar",
                   "confusion")
# The headings of the report on the course's digits, in order (tests look for each of them).
SECTION_TITLES = tuple(f"{i}. {TITLES[key]}" for i, key in enumerate(COURSE_SECTIONS, start=1))

# Section 8's grid of alpha (the course's lambda) x max_iter; --quick uses the smaller one.
DEFAULT_GRID = {"alpha": [0.0, 0.5, 1.0, 100.0, 1000.0], "max_iter": [10, 30, 200]}
QUICK_GRID = {"alpha": [0.0, 1.0, 100.0], "max_iter": [10, 30]}

SIGMOID_GRADIENT_AT = (-1.0, -0.5, 0.0, 0.5, 1.0)
COST_ALPHAS = (0.0, 1.0, 3.0)  # the course evaluates the cost at lambda 0, 1 and 3
# The course's cost of ex4weights.mat on ex4data1.mat, for comparison (ex4.m).
COURSE_COSTS = {0.0: 0.287629, 1.0: 0.383770, 3.0: 0.576051}

# Section 9: the planar exercise. The course trains by gradient descent (learning
# rate 1.2, 10000 iterations); conjugate gradient reaches the same fit in a few
# hundred iterations, which keeps the report fast.
PLANAR_HIDDEN_SIZES = (1, 2, 3, 4, 5, 20, 50)
PLANAR_COMPARE_HIDDEN = 4
PLANAR_SOLVER = "CG"
PLANAR_MAX_ITER = 1000
PLANAR_ALPHA = 0.0

SOLVER_DESCRIPTIONS = {
    "CG": "scipy's nonlinear conjugate gradient",
    "L-BFGS-B": "scipy's limited-memory BFGS",
    "lbfgs": "scipy's limited-memory BFGS",
    "TNC": "scipy's truncated Newton method",
    "BFGS": "scipy's BFGS quasi-Newton method",
    "fmincg": "nnlearn's version of the course's fmincg conjugate gradient",
    "gd": "full-batch gradient descent",
    "sgd": "mini-batch stochastic gradient descent",
    "adam": "the Adam optimizer",
}

# The largest seed: scikit-learn's held-out split takes 32-bit seeds (numpy.random.RandomState).
SEED_MAX = 2**32 - 1
TEST_SIZE = 0.2  # fraction of the data held out in the training, experiments and last sections
INIT_EPSILON = 0.12  # the course's epsilon_init
N_MISCLASSIFIED = 36
GRADCHECK_THRESHOLD = 1e-9
N_FEATURES_SHOWN = 30  # rows of the data section's feature table
N_WORST_SHOWN = 10  # rows of the regression section's table of the largest residuals
SCALE_WARNING = 100.0  # the data section advises scaling when feature spreads differ by more than this factor

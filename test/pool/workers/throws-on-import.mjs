// A worker file that fails while loading.
throw new Error('this task file is broken');
